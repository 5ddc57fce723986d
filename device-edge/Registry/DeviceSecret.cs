using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Facade.DeviceEdge.Registry;

/// <summary>
/// A device's MQTT password: 256 random bits, base64url, with a recognisable prefix (secret scanners, logs review).
/// Only a hash is stored, in mosquitto's password-file format (<c>$7$iterations$salt$hash</c>: PBKDF2-HMAC-SHA512,
/// a 12-byte random salt, base64), so the embedded broker and an external mosquitto (whose password file is written
/// from the registry) check the very same stored value. The iteration count is mosquitto's default: for a full-entropy
/// secret a slow hash buys nothing, and connects stay cheap.
/// </summary>
internal static class DeviceSecret
{
    public const string Prefix = "fdev_";

    /// <summary>mosquitto's <c>PW_DEFAULT_ITERATIONS</c>.</summary>
    public const int Iterations = 101;

    /// <summary>Longest stored hash: <c>$7$</c>, up to 7 digits, 16 + 88 base64 characters and separators.</summary>
    public const int MaxHashLength = 120;

    private const int SaltBytes = 12;
    private const int HashBytes = 64;
    private const int MaxIterations = 1_000_000;

    /// <summary>Compared against when the device is unknown, so timing does not tell ids apart.</summary>
    private static readonly string UnknownDeviceHash = Hash("no such device");

    public static string New() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, Iterations, HashAlgorithmName.SHA512, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"$7${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>
    /// True when <paramref name="presented"/> (the raw MQTT password) hashes to <paramref name="storedHash"/>, compared
    /// in fixed time. An unknown device (null hash) or an unreadable hash still costs one derivation and never matches.
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> presented, string? storedHash)
    {
        var readable = TryParse(storedHash, out var iterations, out var salt, out var expected);
        if (!readable)
        {
            TryParse(UnknownDeviceHash, out iterations, out salt, out expected);
        }

        Span<byte> actual = stackalloc byte[HashBytes];
        Rfc2898DeriveBytes.Pbkdf2(presented, salt, actual, iterations, HashAlgorithmName.SHA512);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && readable && !presented.IsEmpty;
    }

    /// <summary>True for a hash mosquitto can read (what the password file generator writes out).</summary>
    public static bool IsReadable(string? storedHash) => TryParse(storedHash, out _, out _, out _);

    private static bool TryParse(string? stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        if (stored is null || stored.Length > MaxHashLength || !stored.StartsWith("$7$", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = stored[3..].Split('$');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations is < 1 or > MaxIterations)
        {
            return false;
        }

        salt = new byte[SaltBytes];
        hash = new byte[HashBytes];
        return Convert.TryFromBase64String(parts[1], salt, out var saltLength) && saltLength == SaltBytes
            && Convert.TryFromBase64String(parts[2], hash, out var hashLength) && hashLength == HashBytes;
    }
}
