using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Facade.Testing;

/// <summary>
/// Drives the OAuth flow against a real edge the way a client and a user's browser would: registration, the
/// authorize redirect chain with the login and consent forms (antiforgery tokens included), and the token endpoint.
/// </summary>
public sealed partial class OAuthTestClient : IDisposable
{
    private readonly CookieContainer _cookies = new();

    public OAuthTestClient(Uri baseUrl)
    {
        BaseUrl = baseUrl;
        Browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = _cookies, UseCookies = true }) { BaseAddress = baseUrl };
        Api = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseUrl };
    }

    public Uri BaseUrl { get; }

    /// <summary>The user's browser: keeps the session cookie.</summary>
    public HttpClient Browser { get; }

    /// <summary>The client application's back channel: no cookies.</summary>
    public HttpClient Api { get; }

    public string UserName { get; set; } = "demo";

    public string Password { get; set; } = "demo-password";

    /// <summary>On this edge's login page, follow "Sign in with …" (federation) instead of typing a password.</summary>
    public bool PreferUpstreamSignIn { get; set; }

    /// <summary>What the user answers on the consent page.</summary>
    public bool AllowConsent { get; set; } = true;

    /// <summary>Every page the browser landed on, in order (paths only), for assertions about the journey.</summary>
    public List<string> VisitedPages { get; } = [];

    public async Task<RegisteredClient> RegisterAsync(string redirectUri, string authMethod = "none", string? scope = null, CancellationToken cancellationToken = default)
    {
        var body = new Dictionary<string, object?>
        {
            ["client_name"] = "Test client",
            ["redirect_uris"] = new[] { redirectUri },
            ["grant_types"] = new[] { "authorization_code", "refresh_token" },
            ["response_types"] = new[] { "code" },
            ["token_endpoint_auth_method"] = authMethod,
        };
        if (scope is not null)
        {
            body["scope"] = scope;
        }

        using var response = await Api.PostAsJsonAsync("oauth/register", body, cancellationToken);
        var json = await ReadJsonAsync(response, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Registration failed: {(int)response.StatusCode} {json}");
        }

        return new RegisteredClient(
            json.GetProperty("client_id").GetString()!,
            json.TryGetProperty("client_secret", out var secret) ? secret.GetString() : null,
            redirectUri);
    }

    /// <summary>Builds the authorize URL a client would open in the browser.</summary>
    public static string AuthorizeUrl(string clientId, string redirectUri, string scope, Pkce? pkce, string state, string? resource, string? challengeMethod = "S256", IDictionary<string, string>? extra = null)
    {
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = scope,
            ["state"] = state,
        };
        if (pkce is not null)
        {
            query["code_challenge"] = challengeMethod == "plain" ? pkce.Verifier : pkce.Challenge;
            if (challengeMethod is not null)
            {
                query["code_challenge_method"] = challengeMethod;
            }
        }

        if (resource is not null)
        {
            query["resource"] = resource;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            query[key] = value;
        }

        return QueryHelpers.AddQueryString("oauth/authorize", query);
    }

    /// <summary>
    /// Follows an authorize URL through login and consent until the edge redirects to <paramref name="redirectUri"/>
    /// (returns that redirect's query) or answers something else (returns null; see <see cref="LastResponse"/>).
    /// </summary>
    public async Task<Dictionary<string, string>?> FollowAuthorizeAsync(string authorizeUrl, string redirectUri, CancellationToken cancellationToken = default)
    {
        var next = authorizeUrl;
        for (var hop = 0; hop < 12; hop++)
        {
            var current = new Uri(BaseUrl, next);
            using var response = await Browser.GetAsync(current, cancellationToken);
            VisitedPages.Add(current.AbsolutePath);
            var location = response.Headers.Location is { } l ? new Uri(current, l).AbsoluteUri : null;
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther && location is not null)
            {
                if (location.StartsWith(redirectUri, StringComparison.Ordinal))
                {
                    return QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
                }

                next = location;
                continue;
            }

            var html = await response.Content.ReadAsStringAsync(cancellationToken);
            var path = current.AbsolutePath;
            var onThisEdge = current.Authority == BaseUrl.Authority;
            if (response.StatusCode == HttpStatusCode.OK && path.Equals("/account/login", StringComparison.OrdinalIgnoreCase)
                && onThisEdge && PreferUpstreamSignIn && UpstreamLink().Match(html) is { Success: true } upstream)
            {
                next = new Uri(current, WebUtility.HtmlDecode(upstream.Groups["href"].Value)).AbsoluteUri;
                continue;
            }

            if (response.StatusCode == HttpStatusCode.OK && path.Equals("/account/login", StringComparison.OrdinalIgnoreCase))
            {
                next = await SubmitFormAsync(current, html, new() { ["UserName"] = UserName, ["Password"] = Password }, cancellationToken);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.OK && path.Equals("/account/consent", StringComparison.OrdinalIgnoreCase))
            {
                next = await SubmitFormAsync(current, html, new() { ["decision"] = AllowConsent ? "allow" : "deny" }, cancellationToken);
                continue;
            }

            LastResponse = (response.StatusCode, html);
            return null;
        }

        throw new InvalidOperationException("Too many redirects while authorizing.");
    }

    public (HttpStatusCode Status, string Body)? LastResponse { get; private set; }

    /// <summary>Posts a page's form (with its antiforgery token) and returns where it redirects.</summary>
    private async Task<string> SubmitFormAsync(Uri pageUrl, string html, Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>(fields);
        foreach (Match hidden in HiddenInput().Matches(html))
        {
            form.TryAdd(WebUtility.HtmlDecode(hidden.Groups["name"].Value), WebUtility.HtmlDecode(hidden.Groups["value"].Value));
        }

        using var post = await Browser.PostAsync(pageUrl, new FormUrlEncodedContent(form), cancellationToken);
        if (post.Headers.Location is null)
        {
            var body = await post.Content.ReadAsStringAsync(cancellationToken);
            LastResponse = (post.StatusCode, body);
            throw new InvalidOperationException($"Submitting {pageUrl.AbsolutePath} gave {(int)post.StatusCode} without a redirect: {ErrorText().Match(body).Value}");
        }

        return new Uri(pageUrl, post.Headers.Location).AbsoluteUri;
    }

    public async Task<TokenResult> ExchangeCodeAsync(RegisteredClient client, string code, string verifier, string? resource, CancellationToken cancellationToken = default)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = client.RedirectUri,
            ["code_verifier"] = verifier,
        };
        if (resource is not null)
        {
            form["resource"] = resource;
        }

        return await TokenRequestAsync(client, form, cancellationToken);
    }

    public Task<TokenResult> RefreshAsync(RegisteredClient client, string refreshToken, string? resource = null, CancellationToken cancellationToken = default)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken };
        if (resource is not null)
        {
            form["resource"] = resource;
        }

        return TokenRequestAsync(client, form, cancellationToken);
    }

    public async Task<TokenResult> TokenRequestAsync(RegisteredClient client, Dictionary<string, string> form, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token");
        if (client.Secret is null)
        {
            form["client_id"] = client.ClientId;
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.Secret)}")));
        }

        request.Content = new FormUrlEncodedContent(form);
        using var response = await Api.SendAsync(request, cancellationToken);
        var json = await ReadJsonAsync(response, cancellationToken);
        return new TokenResult(response.StatusCode, json, response.Headers.CacheControl?.NoStore == true);
    }

    /// <summary>The JSON body; anything else (e.g. a balancer's HTML error page) fails with the status and the body.</summary>
    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri} did not answer JSON: {text}");
        }
    }

    /// <summary>Registration, login, consent, code and token in one go: the happy path most tests start from.</summary>
    public async Task<(RegisteredClient Client, TokenResult Token)> GetTokenAsync(string scope, string? resource = null, string redirectUri = "http://127.0.0.1:9/callback", CancellationToken cancellationToken = default)
    {
        var client = await RegisterAsync(redirectUri, cancellationToken: cancellationToken);
        var pkce = Pkce.Create();
        var query = await FollowAuthorizeAsync(AuthorizeUrl(client.ClientId, redirectUri, scope, pkce, "state-1", resource ?? BaseUrl.AbsoluteUri), redirectUri, cancellationToken)
            ?? throw new InvalidOperationException($"Authorization failed: {LastResponse}");
        if (!query.TryGetValue("code", out var code))
        {
            throw new InvalidOperationException("Authorization returned no code: " + string.Join('&', query.Select(p => $"{p.Key}={p.Value}")));
        }

        var token = await ExchangeCodeAsync(client, code, pkce.Verifier, resource ?? BaseUrl.AbsoluteUri, cancellationToken);
        return (client, token);
    }

    public void Dispose()
    {
        Browser.Dispose();
        Api.Dispose();
    }

    [GeneratedRegex("<input[^>]*?name=\"(?<name>[^\"]+)\"[^>]*?type=\"hidden\"[^>]*?value=\"(?<value>[^\"]*)\"|<input[^>]*?type=\"hidden\"[^>]*?name=\"(?<name>[^\"]+)\"[^>]*?value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();

    [GeneratedRegex("<a(?=[^>]*id=\"sign-in-upstream\")[^>]*href=\"(?<href>[^\"]+)\"")]
    private static partial Regex UpstreamLink();

    [GeneratedRegex("<p class=\"error\"[^<]*</p>")]
    private static partial Regex ErrorText();
}

public sealed record RegisteredClient(string ClientId, string? Secret, string RedirectUri);

public sealed record TokenResult(HttpStatusCode Status, JsonElement Json, bool NoStore)
{
    public string? AccessToken => Json.TryGetProperty("access_token", out var value) ? value.GetString() : null;

    public string? RefreshToken => Json.TryGetProperty("refresh_token", out var value) ? value.GetString() : null;

    public string? Error => Json.TryGetProperty("error", out var value) ? value.GetString() : null;
}
