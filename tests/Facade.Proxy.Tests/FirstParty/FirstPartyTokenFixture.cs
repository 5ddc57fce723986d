using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Facade.Proxy.Data;
using Facade.Proxy.Tests.Security;
using Facade.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Proxy.Tests.FirstParty;

/// <summary>An edge plus helpers to make users, sign them in, fetch antiforgery tokens and mint first-party tokens.</summary>
public sealed class FirstPartyTokenFixture : EdgeFixture
{
    public const string Password = "first-party-password";

    /// <summary>A new user (unique name) with an optional scope allowance, as <c>users set-scopes</c> stores it.</summary>
    public async Task<string> CreateUserAsync(string? allowedScopes = null)
    {
        var name = "fp-" + Guid.NewGuid().ToString("N")[..12];
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<FacadeUser>>();
        var created = await users.CreateAsync(new FacadeUser { UserName = name, AllowedScopes = allowedScopes }, Password);
        Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Description)));
        return name;
    }

    /// <summary>Changes a user through UserManager (password, lockout …).</summary>
    public async Task ChangeUserAsync(string userName, Func<UserManager<FacadeUser>, FacadeUser, Task<IdentityResult>> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<FacadeUser>>();
        var user = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"No user '{userName}'.");
        var result = await change(users, user);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Description)));
    }

    /// <summary>A browser signed in on <c>/account/login</c> as <paramref name="userName"/>.</summary>
    public async Task<OAuthTestClient> SignedInBrowserAsync(string userName)
    {
        var browser = new OAuthTestClient(Host.BaseUrl) { UserName = userName, Password = Password };
        using var login = await browser.SignInAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return browser;
    }

    /// <summary><c>GET /account/antiforgery</c> in <paramref name="browser"/>: the request token.</summary>
    public static async Task<string> AntiforgeryTokenAsync(OAuthTestClient browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        using var response = await browser.Browser.GetAsync("account/antiforgery", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal("RequestVerificationToken", json.GetProperty("headerName").GetString());
        return json.GetProperty("token").GetString()!;
    }

    /// <summary><c>POST</c> to the mint endpoint in <paramref name="browser"/> with an optional antiforgery header and body.</summary>
    public static async Task<HttpResponseMessage> MintAsync(HttpClient browser, string? antiforgery, HttpContent? body = null, string path = "oauth/first-party-token")
    {
        ArgumentNullException.ThrowIfNull(browser);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
        if (antiforgery is not null)
        {
            request.Headers.Add("RequestVerificationToken", antiforgery);
        }

        return await browser.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Signs a new browser in, fetches its antiforgery token and mints: the token answer's JSON.</summary>
    public static async Task<JsonElement> MintOkAsync(OAuthTestClient browser, HttpContent? body = null, string path = "oauth/first-party-token")
    {
        ArgumentNullException.ThrowIfNull(browser);
        var antiforgery = await AntiforgeryTokenAsync(browser);
        using var response = await MintAsync(browser.Browser, antiforgery, body, path);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.True(response.Headers.CacheControl?.NoStore);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<HttpResponseMessage> BearerAsync(HttpMethod method, string path, string token, HttpContent? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
