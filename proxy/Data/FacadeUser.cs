using Microsoft.AspNetCore.Identity;

namespace Facade.Proxy.Data;

/// <summary>A local user of the edge; passwords are hashed by ASP.NET Core Identity.</summary>
public sealed class FacadeUser : IdentityUser
{
    public string? DisplayName { get; set; }

    /// <summary>
    /// The API scopes this user may hold, space-separated (<c>users set-scopes</c>); null: every OAuth scope. Enforced
    /// when a key is made, at every key exchange and at OAuth authorize (ApiKeys/ScopeAllowance.cs).
    /// </summary>
    public string? AllowedScopes { get; set; }
}
