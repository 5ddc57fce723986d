using Facade.Common;
using Facade.Proxy.Data;

namespace Facade.Proxy.ApiKeys;

/// <summary>
/// What a user may hold (<see cref="FacadeUser.AllowedScopes"/>): null allows every OAuth scope; a list allows the
/// identity scopes (<c>openid profile email offline_access</c>) plus the API scopes it names. The operator-only
/// <c>agents:serve</c> is never part of an allowance: only agent keys the admin command line makes carry it, and only
/// such keys keep it at exchange (<see cref="Cap"/>).
/// </summary>
internal static class ScopeAllowance
{
    public static bool Permits(FacadeUser user, string scope)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (ScopeCatalog.IsOperatorOnly(scope))
        {
            return false;
        }

        if (ScopeCatalog.Identity.Contains(scope, StringComparer.Ordinal))
        {
            return true;
        }

        return user.AllowedScopes is not { } allowed
            ? ScopeCatalog.IsKnown(scope)
            : allowed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal);
    }

    /// <summary>The scopes of <paramref name="requested"/> the user may hold, in order.</summary>
    public static IEnumerable<string> Filter(FacadeUser user, IEnumerable<string> requested) => requested.Where(s => Permits(user, s));

    /// <summary>
    /// What a token minted from <paramref name="key"/> carries now: its scopes the owner may still hold. An agent key
    /// made by the admin command line keeps <c>agents:serve</c> (it is the operator's grant, not the user's).
    /// </summary>
    public static string Cap(ApiKey key, FacadeUser owner) =>
        string.Join(' ', key.ScopeList.Where(s => Permits(owner, s) || (key.IsAgentKey && s == ScopeCatalog.AgentsServe)));

    /// <summary>Normalizes a scope list given to <c>users set-scopes</c>: known API scopes only; null when one is unknown.</summary>
    public static string? Normalize(IEnumerable<string> scopes, out string? unknown)
    {
        var list = scopes.Distinct(StringComparer.Ordinal).ToList();
        unknown = list.FirstOrDefault(s => !ScopeCatalog.IsKnown(s));
        return unknown is null ? string.Join(' ', list) : null;
    }
}
