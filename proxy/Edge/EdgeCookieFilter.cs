using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OpenIddict.Client.AspNetCore;

namespace Facade.Proxy.Edge;

/// <summary>
/// Removes the edge's own cookies from proxied requests: they are the user's session at the edge, and a backend
/// that saw them could replay it. Their names come from the configured options, not a list kept by hand: every
/// cookie authentication scheme (<c>facade.session</c>, <c>facade.external</c>, Identity's two-factor cookies) with its
/// chunks (<c>facade.sessionC1</c> …), antiforgery, TempData, and OpenIddict's correlation cookies
/// (<c>OpenIddict.Client.State.&lt;nonce&gt;</c>). Names match case-insensitively, as ASP.NET Core reads them. Other
/// cookies pass in their order with their values. Allocates nothing unless a cookie has to go.
/// </summary>
internal sealed class EdgeCookieFilter
{
    private readonly string[] _names;
    private readonly string[] _chunkedNames;
    private readonly string[] _prefixes;

    public EdgeCookieFilter(
        IOptions<AuthenticationOptions> authentication,
        IOptionsMonitor<CookieAuthenticationOptions> cookieSchemes,
        IOptions<AntiforgeryOptions> antiforgery,
        IOptions<CookieTempDataProviderOptions> tempData,
        IOptionsMonitor<OpenIddictClientAspNetCoreOptions> openIddictClient)
    {
        _chunkedNames = [.. authentication.Value.Schemes
            .Where(s => s.HandlerType is not null && s.HandlerType.IsAssignableTo(typeof(CookieAuthenticationHandler)))
            .Select(s => cookieSchemes.Get(s.Name).Cookie.Name)
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)];
        _names = [.. _chunkedNames.Concat(new[] { antiforgery.Value.Cookie.Name, tempData.Value.Cookie.Name }.OfType<string>())];
        _prefixes = openIddictClient.CurrentValue.CookieBuilder.Name is { Length: > 0 } state ? [state + "."] : [];
    }

    public void Strip(IHeaderDictionary headers)
    {
        var cookies = headers.Cookie;
        if (cookies.Count == 0 || !Any(cookies))
        {
            return;
        }

        var kept = new List<string>();
        foreach (var value in cookies)
        {
            foreach (var range in value.AsSpan().Split(';'))
            {
                var pair = value.AsSpan(range).Trim();
                if (!pair.IsEmpty && !IsEdgeCookie(Name(pair)))
                {
                    kept.Add(pair.ToString());
                }
            }
        }

        if (kept.Count == 0)
        {
            headers.Remove("Cookie");
        }
        else
        {
            headers.Cookie = string.Join("; ", kept);
        }
    }

    private bool Any(Microsoft.Extensions.Primitives.StringValues cookies)
    {
        foreach (var value in cookies)
        {
            foreach (var range in value.AsSpan().Split(';'))
            {
                if (IsEdgeCookie(Name(value.AsSpan(range).Trim())))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static ReadOnlySpan<char> Name(ReadOnlySpan<char> pair)
    {
        var equals = pair.IndexOf('=');
        return (equals < 0 ? pair : pair[..equals]).TrimEnd();
    }

    private bool IsEdgeCookie(ReadOnlySpan<char> name)
    {
        // ASP.NET Core unescapes cookie names when it reads them; so does many a backend.
        if (name.Contains('%'))
        {
            name = Uri.UnescapeDataString(name.ToString());
        }

        foreach (var edgeName in _names)
        {
            if (name.Equals(edgeName, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var chunked in _chunkedNames)
        {
            // ChunkingCookieManager splits a large cookie into <name>C1, <name>C2 …
            if (name.Length > chunked.Length + 1 && name.StartsWith(chunked, StringComparison.OrdinalIgnoreCase)
                && name[chunked.Length] is 'C' or 'c' && !name[(chunked.Length + 1)..].ContainsAnyExceptInRange('0', '9'))
            {
                return true;
            }
        }

        foreach (var prefix in _prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
