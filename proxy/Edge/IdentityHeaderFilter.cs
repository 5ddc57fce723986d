using Microsoft.Extensions.Options;

namespace Facade.Proxy.Edge;

/// <summary>
/// Removes identity headers a client must never be able to send to a backend: every <c>X-Facade-*</c> header and
/// the configured <see cref="EdgeOptions.StrippedHeaders"/>. CGI-style backends (PHP, WSGI, Django …) read
/// <c>X_Facade_Subject</c> as <c>X-Facade-Subject</c>, so underscores count as dashes. Allocates nothing unless a
/// header has to go.
/// </summary>
internal sealed class IdentityHeaderFilter(IOptions<EdgeOptions> edge)
{
    private const string FacadePrefix = "X-Facade-";

    private readonly HashSet<string> _stripped = new(edge.Value.StrippedHeaders, HeaderNameComparer.Instance);

    public void Strip(IHeaderDictionary headers)
    {
        List<string>? doomed = null;
        foreach (var (name, _) in headers)
        {
            if (HeaderNameComparer.StartsWith(name, FacadePrefix) || _stripped.Contains(name))
            {
                (doomed ??= []).Add(name);
            }
        }

        foreach (var name in doomed ?? [])
        {
            headers.Remove(name);
        }
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
