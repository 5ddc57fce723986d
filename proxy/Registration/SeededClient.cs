using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.Registration;

/// <summary>
/// A client configured under <c>Facade:Clients</c> and kept in the store at every start: first-party applications
/// (no consent page) and resource servers allowed to call the introspection endpoint (RFC 7662).
/// </summary>
public sealed class SeededClient
{
    [Required]
    public string ClientId { get; set; } = "";

    /// <summary>Secret of a confidential client; empty for a public client.</summary>
    public string? ClientSecret { get; set; }

    public string? DisplayName { get; set; }

    public List<Uri> RedirectUris { get; set; } = [];

    /// <summary>Scopes the client may request; empty means every known scope.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>A first-party client: users are not asked for consent.</summary>
    public bool FirstParty { get; set; }

    /// <summary>A resource server: may introspect tokens and has no user-facing flow.</summary>
    public bool Introspection { get; set; }
}

public sealed class SeededClientsOptions
{
    public const string SectionName = "Facade";

    public List<SeededClient> Clients { get; set; } = [];
}
