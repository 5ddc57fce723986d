using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.ApiKeys;

internal enum ApiKeyKind
{
    User,
    Agent,
}

/// <summary>The shape of keys and key ids: <c>&lt;prefix&gt;</c> + 43 characters of base64url (32 random bytes).</summary>
internal sealed class ApiKeyFormat(IOptions<ApiKeyOptions> options)
{
    public const int SecretLength = 43;
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public string UserPrefix { get; } = options.Value.UserKeyPrefix;

    public string AgentPrefix { get; } = options.Value.AgentKeyPrefix;

    public string NewKey(ApiKeyKind kind) =>
        (kind is ApiKeyKind.Agent ? AgentPrefix : UserPrefix) + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary><c>key_</c> + 26 lowercase base32 characters (130 random bits).</summary>
    public static string NewId() => "key_" + RandomNumberGenerator.GetString(IdAlphabet, 26);

    public bool IsUserKey(ReadOnlySpan<char> value) => value.StartsWith(UserPrefix, StringComparison.Ordinal);

    /// <summary>True when <paramref name="value"/> has the full shape of a key of <paramref name="kind"/>; nothing is looked up.</summary>
    public bool IsWellFormed(ReadOnlySpan<char> value, ApiKeyKind kind)
    {
        var prefix = kind is ApiKeyKind.Agent ? AgentPrefix : UserPrefix;
        if (!value.StartsWith(prefix, StringComparison.Ordinal) || value.Length != prefix.Length + SecretLength)
        {
            return false;
        }

        foreach (var c in value[prefix.Length..])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
