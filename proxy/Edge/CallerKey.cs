using System.Buffers.Binary;
using System.Net;
using Facade.Common.Tokens;

namespace Facade.Proxy.Edge;

/// <summary>A validated token (by its hash) or an address; a struct, so no strings per request.</summary>
internal readonly record struct CallerKey(TokenHash Token, UInt128 Address, bool IsAddress)
{
    /// <summary>The caller's name in shared state (Redis): the first half of the token's SHA-256, never the token; or the address.</summary>
    public override string ToString() => IsAddress ? $"a{Address:x32}" : $"t{Token.A:x16}{Token.B:x16}";

    public static CallerKey ForToken(TokenHash token) => new(token, UInt128.Zero, IsAddress: false);

    /// <summary>IPv4 (also IPv4-mapped IPv6) by address; IPv6 by its /64, the block one subscriber gets.</summary>
    public static CallerKey ForAddress(IPAddress? address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address is null || !address.TryWriteBytes(bytes, out var written))
        {
            return new CallerKey(default, UInt128.Zero, IsAddress: true);
        }

        if (written == 4 || address.IsIPv4MappedToIPv6)
        {
            var v4 = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(written - 4, 4));
            return new CallerKey(default, new UInt128(0, 0xFFFF_0000_0000UL | v4), IsAddress: true);
        }

        return new CallerKey(default, new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), 0), IsAddress: true);
    }
}
