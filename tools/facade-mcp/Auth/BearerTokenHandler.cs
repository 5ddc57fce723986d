using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Facade.Mcp.Bridge.Cli;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// <c>FACADE_TOKEN</c> mode: sends the given token on every request and never runs OAuth. A 401 or 403 from the edge
/// becomes an <see cref="EdgeRejectedException"/> that says what the edge objected to (its <c>error</c> and
/// <c>error_description</c>, or the missing scope), never the token itself.
/// </summary>
internal sealed class BearerTokenHandler(string token) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            return response;
        }

        using (response)
        {
            throw new EdgeRejectedException(response.StatusCode, await DescribeAsync(response, cancellationToken));
        }
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? error = null, description = null, scope = null;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                error ??= Text(json.RootElement, "error");
                description ??= Text(json.RootElement, "error_description");
                scope ??= Text(json.RootElement, "scope");
            }
        }
        catch (JsonException)
        {
            // Not the edge's JSON error shape; the status and challenge say enough.
        }

        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            error ??= Parameter(challenge.Parameter, "error");
            description ??= Parameter(challenge.Parameter, "error_description");
            scope ??= Parameter(challenge.Parameter, "scope");
        }

        var at = response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path);
        return response.StatusCode == HttpStatusCode.Forbidden
            ? $"the edge at {at} refused FACADE_TOKEN: 403 {error ?? "forbidden"} ({(scope is null ? description ?? "access denied" : $"the token lacks '{scope}'")})."
            : $"the edge at {at} refused FACADE_TOKEN: 401 {error ?? "unauthorized"} ({description ?? "the token is invalid, expired or revoked"}).";
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>One parameter of a Bearer challenge (<c>error="invalid_token", scope="…"</c>).</summary>
    private static string? Parameter(string? parameters, string name)
    {
        if (parameters is null)
        {
            return null;
        }

        foreach (var part in parameters.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return part[(equals + 1)..].Trim().Trim('"');
            }
        }

        return null;
    }
}

/// <summary>The edge answered 401 or 403 to the token from <c>FACADE_TOKEN</c>.</summary>
internal sealed class EdgeRejectedException(HttpStatusCode status, string message) : HttpRequestException(message, null, status)
{
    public int ExitCode => ExitCodes.Unauthorized;
}
