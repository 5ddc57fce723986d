using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Facade.Common.Tokens;

/// <summary>
/// SHA-256 of a whole bearer token: the key under which a validation result is remembered. A cryptographic hash,
/// so nobody can make a forged token collide with a cached one, and the cache never holds the token itself.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
{
    private const int StackLimit = 2048;

    public static TokenHash Of(ReadOnlySpan<char> token)
    {
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(token, buffer);
            Span<ulong> digest = stackalloc ulong[4];
            SHA256.HashData(buffer[..written], MemoryMarshal.AsBytes(digest));
            return new TokenHash(digest[0], digest[1], digest[2], digest[3]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
