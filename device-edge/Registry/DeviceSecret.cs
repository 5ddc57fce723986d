using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Facade.DeviceEdge.Registry;

/// <summary>
/// A device's MQTT password: 256 random bits, base64url, with a recognisable prefix (secret scanners, logs review).
/// Only its SHA-256 is stored: a salted slow hash buys nothing for a full-entropy secret, and connects stay cheap.
/// </summary>
internal static class DeviceSecret
{
    public const string Prefix = "fdev_";

    private static readonly byte[] UnknownDeviceHash = SHA256.HashData("no such device"u8);

    public static string New() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>
    /// True when <paramref name="presented"/> (the raw MQTT password) hashes to <paramref name="storedHash"/>, compared
    /// in fixed time. An unknown device (null hash) still costs one comparison, so timing does not tell ids apart.
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> presented, byte[]? storedHash)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(presented, hash);
        var expected = storedHash is { Length: SHA256.HashSizeInBytes } ? storedHash : UnknownDeviceHash;
        return CryptographicOperations.FixedTimeEquals(hash, expected) && storedHash is not null && !presented.IsEmpty;
    }
}
