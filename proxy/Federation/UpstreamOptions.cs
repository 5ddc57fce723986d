namespace Facade.Proxy.Federation;

/// <summary>
/// <c>Facade:Upstream</c>: an optional upstream OpenID Connect provider. When <see cref="Authority"/> and
/// <see cref="ClientId"/> are set, the login page offers "Sign in with <see cref="DisplayName"/>".
/// </summary>
public sealed class UpstreamOptions
{
    public const string SectionName = "Facade:Upstream";
    public const string ProviderName = "upstream";

    public Uri? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string DisplayName { get; set; } = "single sign-on";

    public string Scopes { get; set; } = "openid profile email";

    public bool IsConfigured => Authority is not null && !string.IsNullOrWhiteSpace(ClientId);
}
