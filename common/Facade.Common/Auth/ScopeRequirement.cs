using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Facade.Common.Auth;

/// <summary>
/// The access token must carry every one of <see cref="Scopes"/> (its space-separated <c>scope</c> claim). The
/// requirement is its own handler (as ASP.NET Core's <c>ClaimsAuthorizationRequirement</c> is), so nothing else needs registering.
/// </summary>
public sealed class ScopeRequirement : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public ScopeRequirement(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        Scopes = scopes.ToArray();
        if (Scopes.Count == 0 || Scopes.Any(s => string.IsNullOrWhiteSpace(s) || s.Contains(' ', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Scopes must be one or more non-empty values without spaces.", nameof(scopes));
        }
    }

    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The scopes as a <c>scope</c> attribute value: space-separated.</summary>
    public override string ToString() => string.Join(' ', Scopes);

    public static bool HasAll(ClaimsPrincipal user, IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(user);
        var granted = user.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        return scopes.All(granted.Contains);
    }

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (context.User.Identity?.IsAuthenticated == true && HasAll(context.User, requirement.Scopes))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
