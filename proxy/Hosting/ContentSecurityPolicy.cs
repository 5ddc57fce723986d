using System.Security.Cryptography;
using System.Text;

namespace Facade.Proxy.Hosting;

/// <summary>
/// The Content-Security-Policy of one response of the edge's own site (pages, OAuth endpoints): nothing loads, nothing
/// frames it, no script runs and forms only post to the edge — plus what the response itself declares: the nonce of
/// the layout's style block, the origin of the client a form's redirect chain ends at (Chromium applies form-action to
/// every redirect after a form post), the hash of an inline script it must run, and for the console's pages the
/// edge's own script and style files and the origins their requests (fetch, the realtime WebSocket) may go to.
/// </summary>
internal sealed class ContentSecurityPolicy
{
    private readonly List<string> _formTargets = ["'self'"];
    private readonly List<string> _scriptHashes = [];
    private readonly List<string> _connectTargets = [];
    private bool _ownFiles;
    private string? _nonce;

    /// <summary>The policy of this response; pages add to it while they render.</summary>
    public static ContentSecurityPolicy Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<ContentSecurityPolicy>() is not { } policy)
        {
            policy = new ContentSecurityPolicy();
            context.Features.Set(policy);
        }

        return policy;
    }

    /// <summary>A random nonce for this response's own inline <c>&lt;style&gt;</c>.</summary>
    public string Nonce => _nonce ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Lets this page's forms end up at <paramref name="redirectUri"/>'s origin (a client's redirect_uri). An IPv6
    /// literal cannot be written as a CSP host, so such an origin is allowed by its scheme.
    /// </summary>
    public void AllowFormTarget(string redirectUri)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri))
        {
            return;
        }

        var source = uri.Scheme is "http" or "https" && uri.HostNameType != UriHostNameType.IPv6
            ? $"{uri.Scheme}://{uri.IdnHost}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}"
            : uri.Scheme + ":";
        if (!_formTargets.Contains(source, StringComparer.Ordinal))
        {
            _formTargets.Add(source);
        }
    }

    /// <summary>Lets exactly this inline script run (by its SHA-256).</summary>
    public void AllowInlineScript(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var hash = $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)))}'";
        if (!_scriptHashes.Contains(hash, StringComparer.Ordinal))
        {
            _scriptHashes.Add(hash);
        }
    }

    /// <summary>Lets the page load the edge's own script and style files (same origin; still no inline script).</summary>
    public void AllowOwnFiles() => _ownFiles = true;

    /// <summary>
    /// Lets the page's scripts fetch from its own origin and connect to <paramref name="origins"/> (e.g. the
    /// <c>ws://</c> origin of the realtime socket: not every browser counts it as 'self').
    /// </summary>
    public void AllowConnect(params IEnumerable<string> origins)
    {
        ArgumentNullException.ThrowIfNull(origins);
        foreach (var origin in origins.Prepend("'self'"))
        {
            if (!_connectTargets.Contains(origin, StringComparer.Ordinal))
            {
                _connectTargets.Add(origin);
            }
        }
    }

    public override string ToString()
    {
        var policy = new StringBuilder("default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action ")
            .AppendJoin(' ', _formTargets);
        var styles = new List<string>();
        if (_ownFiles)
        {
            styles.Add("'self'");
        }

        if (_nonce is not null)
        {
            styles.Add($"'nonce-{_nonce}'");
        }

        if (styles.Count > 0)
        {
            policy.Append("; style-src ").AppendJoin(' ', styles);
        }

        var scripts = _ownFiles ? _scriptHashes.Prepend("'self'").ToList() : _scriptHashes;
        if (scripts.Count > 0)
        {
            policy.Append("; script-src ").AppendJoin(' ', scripts);
        }

        if (_connectTargets.Count > 0)
        {
            policy.Append("; connect-src ").AppendJoin(' ', _connectTargets);
        }

        return policy.ToString();
    }
}
