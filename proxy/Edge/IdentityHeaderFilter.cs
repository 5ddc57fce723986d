using Microsoft.Extensions.Options;

namespace Facade.Proxy.Edge;

/// <summary>
/// Removes identity headers a client must never be able to send to a backend: every <c>X-Facade-*</c> header, what
/// auth proxies tell their backends (<c>X-Forwarded-*</c> such as <c>X-Forwarded-User/-Email/-Groups/-Access-Token</c>,
/// oauth2-proxy's <c>X-Auth-Request-*</c>, Authelia's <c>Remote-*</c>, <c>X-Remote-User</c>, <c>X-User</c>), client
/// addresses (<c>Forwarded</c>, <c>X-Real-IP</c>, <c>X-Forwarded-For</c>), and the configured
/// <see cref="EdgeOptions.StrippedHeaders"/>. YARP then sets <c>X-Forwarded-For/-Proto/-Host/-Prefix</c> itself from
/// what the edge saw, so whatever action a route gives them, no client value is passed on. CGI-style backends (PHP,
/// WSGI, Django …) read <c>X_Facade_Subject</c> as <c>X-Facade-Subject</c>, so underscores count as dashes. Allocates
/// nothing unless a header has to go.
/// </summary>
internal sealed class IdentityHeaderFilter
{
    private static readonly string[] AlwaysStrippedPrefixes = ["X-Facade-", "X-Forwarded-", "X-Auth-Request-", "Remote-"];
    private static readonly string[] AlwaysStripped = ["Forwarded", "X-Real-IP", "X-Remote-User", "X-User"];

    private readonly string[] _prefixes;
    private readonly HashSet<string> _stripped;

    public IdentityHeaderFilter(IOptions<EdgeOptions> edge)
    {
        var configured = edge.Value.StrippedHeaders.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim()).ToList();
        _prefixes = [.. AlwaysStrippedPrefixes, .. configured.Where(h => h.EndsWith('*')).Select(h => h.TrimEnd('*'))];
        _stripped = new HashSet<string>(AlwaysStripped.Concat(configured.Where(h => !h.EndsWith('*'))), HeaderNameComparer.Instance);
    }

    public void Strip(IHeaderDictionary headers)
    {
        List<string>? doomed = null;
        foreach (var (name, _) in headers)
        {
            if (HasStrippedPrefix(name) || _stripped.Contains(name))
            {
                (doomed ??= []).Add(name);
            }
        }

        foreach (var name in doomed ?? [])
        {
            headers.Remove(name);
        }
    }

    private bool HasStrippedPrefix(string name)
    {
        foreach (var prefix in _prefixes)
        {
            if (HeaderNameComparer.StartsWith(name, prefix))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Case-insensitive, and '_' equals '-'.</summary>
    private sealed class HeaderNameComparer : IEqualityComparer<string>
    {
        public static readonly HeaderNameComparer Instance = new();

        public static bool StartsWith(string name, string prefix)
        {
            if (name.Length < prefix.Length)
            {
                return false;
            }

            for (var i = 0; i < prefix.Length; i++)
            {
                if (Normalize(name[i]) != Normalize(prefix[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public bool Equals(string? x, string? y) =>
            x is not null && y is not null && x.Length == y.Length && StartsWith(x, y);

        public int GetHashCode(string obj)
        {
            var hash = new HashCode();
            foreach (var c in obj)
            {
                hash.Add(Normalize(c));
            }

            return hash.ToHashCode();
        }

        private static char Normalize(char c) => c == '_' ? '-' : char.ToUpperInvariant(c);
    }
}
