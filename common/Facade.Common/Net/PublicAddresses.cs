using System.Net;
using System.Net.Sockets;

namespace Facade.Common.Net;

/// <summary>
/// Tells whether an address is an ordinary public unicast address, fit for a server-side fetch of a URL someone else
/// chose (client metadata documents, webhooks). Everything in the IANA IPv4 and IPv6 special-purpose address
/// registries is refused, including ranges that are globally reachable but embed or relay to other addresses
/// (NAT64, 6to4, Teredo) and would let a caller reach the internal network through a translator.
/// </summary>
public static class PublicAddresses
{
    private static readonly IPNetwork[] SpecialV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network"
        IPNetwork.Parse("10.0.0.0/8"),         // private
        IPNetwork.Parse("100.64.0.0/10"),      // shared address space (carrier-grade NAT)
        IPNetwork.Parse("127.0.0.0/8"),        // loopback
        IPNetwork.Parse("169.254.0.0/16"),     // link-local (cloud metadata services live here)
        IPNetwork.Parse("172.16.0.0/12"),      // private
        IPNetwork.Parse("192.0.0.0/24"),       // IETF protocol assignments (incl. DS-Lite, NAT64 discovery)
        IPNetwork.Parse("192.0.2.0/24"),       // documentation (TEST-NET-1)
        IPNetwork.Parse("192.31.196.0/24"),    // AS112-v4
        IPNetwork.Parse("192.52.193.0/24"),    // AMT
        IPNetwork.Parse("192.88.99.0/24"),     // deprecated 6to4 relay anycast
        IPNetwork.Parse("192.168.0.0/16"),     // private
        IPNetwork.Parse("192.175.48.0/24"),    // direct delegation AS112 service
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),    // documentation (TEST-NET-2)
        IPNetwork.Parse("203.0.113.0/24"),     // documentation (TEST-NET-3)
        IPNetwork.Parse("224.0.0.0/4"),        // multicast
        IPNetwork.Parse("240.0.0.0/4"),        // reserved, and 255.255.255.255 limited broadcast
    ];

    // Public IPv6 unicast lives in 2000::/3; everything outside it (loopback, unspecified, IPv4-mapped and -compatible,
    // NAT64 64:ff9b::/96 and 64:ff9b:1::/48, discard 100::/64, ULA fc00::/7, link-local, multicast …) is refused
    // before this list, which names the special-purpose ranges inside 2000::/3.
    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");

    private static readonly IPNetwork[] SpecialV6 =
    [
        IPNetwork.Parse("2001::/23"),          // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID …
        IPNetwork.Parse("2001:db8::/32"),      // documentation
        IPNetwork.Parse("2002::/16"),          // 6to4
        IPNetwork.Parse("2620:4f:8000::/48"),  // AS112-v6
        IPNetwork.Parse("3fff::/20"),          // documentation
    ];

    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => !Array.Exists(SpecialV4, range => range.Contains(address)),
            AddressFamily.InterNetworkV6 => address.ScopeId == 0
                && GlobalUnicastV6.Contains(address)
                && !Array.Exists(SpecialV6, range => range.Contains(address)),
            _ => false,
        };
    }
}
