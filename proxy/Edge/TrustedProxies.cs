using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Facade.Proxy.Edge;

/// <summary>
/// <see cref="EdgeOptions.TrustedProxies"/> for ASP.NET Core's forwarded headers middleware: only a request that
/// arrives from one of them has its client address and scheme taken from <c>X-Forwarded-For/-Proto</c> (walking
/// back through trusted hops only). What is left of those headers is then stripped like any client-sent one
/// (<see cref="IdentityHeaderFilter"/>), and YARP sets fresh ones from the resolved client.
/// </summary>
internal static class TrustedProxies
{
    public static bool IsValid(string entry) => IPAddress.TryParse(entry, out _) || System.Net.IPNetwork.TryParse(entry, out _);

    public static void Configure(ForwardedHeadersOptions forwarded, EdgeOptions edge)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.ForwardLimit = null;

        // The defaults trust loopback; nothing is trusted that is not configured.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var entry in edge.TrustedProxies)
        {
            if (IPAddress.TryParse(entry, out var address))
            {
                forwarded.KnownProxies.Add(address);
            }
            else if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        }
    }

    public static bool AnyConfigured(IServiceProvider services) =>
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EdgeOptions>>().Value.TrustedProxies.Count > 0;
}
