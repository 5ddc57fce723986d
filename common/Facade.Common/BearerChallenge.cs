using Microsoft.AspNetCore.Http;

namespace Facade.Common;

/// <summary>
/// The 401/403 answers every protected surface gives (docs/architecture.md), so a client can discover the authorization
/// server from the <c>resource_metadata</c> URL (RFC 9728) and step up on <c>insufficient_scope</c> (RFC 6750 §3).
/// </summary>
public static class BearerChallenge
{
    public const string ResourceMetadataPath = "/.well-known/oauth-protected-resource";

    /// <summary>401. <paramref name="tokenSent"/> decides between <c>unauthorized</c> and <c>invalid_token</c>.</summary>
    public static Task WriteUnauthorizedAsync(HttpContext context, string resourceMetadataUrl, bool tokenSent, string? scope = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = $"Bearer resource_metadata=\"{Escape(resourceMetadataUrl)}\"";
        if (tokenSent)
        {
            header += ", error=\"invalid_token\", error_description=\"The access token is invalid, expired or revoked\"";
        }

        if (!string.IsNullOrEmpty(scope))
        {
            header += $", scope=\"{Escape(scope)}\"";
        }

        context.Response.Headers.WWWAuthenticate = header;
        return JsonErrors.WriteAsync(context, StatusCodes.Status401Unauthorized,
            tokenSent ? "invalid_token" : "unauthorized",
            description ?? (tokenSent ? "The access token is invalid, expired or revoked." : "A bearer access token is required."));
    }

    /// <summary>403 insufficient_scope naming the scopes the request needs.</summary>
    public static Task WriteInsufficientScopeAsync(HttpContext context, string resourceMetadataUrl, string scope)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.WWWAuthenticate =
            $"Bearer error=\"insufficient_scope\", scope=\"{Escape(scope)}\", resource_metadata=\"{Escape(resourceMetadataUrl)}\"";
        return JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "insufficient_scope",
            "The access token does not carry the scope this request needs.", scope);
    }

    /// <summary>The path-suffixed metadata URL (RFC 9728 §3.1) for a protected prefix such as <c>mcp</c>, or the root one.</summary>
    public static string ResourceMetadataUrl(string baseUrl, string? prefix) =>
        baseUrl.TrimEnd('/') + ResourceMetadataPath + (string.IsNullOrEmpty(prefix) ? "" : "/" + prefix.Trim('/'));

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
