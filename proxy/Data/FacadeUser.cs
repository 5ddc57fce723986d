using Microsoft.AspNetCore.Identity;

namespace Facade.Proxy.Data;

/// <summary>A local user of the edge; passwords are hashed by ASP.NET Core Identity.</summary>
public sealed class FacadeUser : IdentityUser
{
    public string? DisplayName { get; set; }
}
