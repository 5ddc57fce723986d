using System.Text;
using Facade.Common.Identity;
using Microsoft.Extensions.Time.Testing;

namespace Facade.Proxy.Tests.Edge;

/// <summary>
/// The published test vector of identity mode (README, "Identity mode"): computed independently (openssl) from the
/// documented canonical string, so a backend in any language can check its implementation against the same numbers.
/// </summary>
public sealed class IdentitySignatureTests
{
    public const string Key = "facade-identity-test-vector-key-0123456789";
    public const string Timestamp = "1767225600";
    public const string Nonce = "AAECAwQFBgcICQoLDA0ODw";
    public const string Host = "tasks.internal:8080";
    public const string Target = "/v2/api/tasks?state=open&q=a%20b";
    public const string Body = """{"title":"Write the README"}""";
    public const string BodySha256 = "1a93e2016817e5b03fb8ce013fab2f7f082a1b7be235a2f2df8cf1fc28988a16";
    public const string Signature = "TlLDlm7RxUH0JkZmjWQGkKCroOGND-mGyt-sdVsHWSw";

    private static readonly Dictionary<string, string> Headers = new(StringComparer.OrdinalIgnoreCase)
    {
        [IdentitySignature.SubjectHeader] = "user-42",
        [IdentitySignature.ClientHeader] = "cli-7",
        [IdentitySignature.ScopesHeader] = "tasks:read tasks:write",
        [IdentitySignature.TimestampHeader] = Timestamp,
        [IdentitySignature.NonceHeader] = Nonce,
        [IdentitySignature.ContentSha256Header] = BodySha256,
        [IdentitySignature.SignatureHeader] = Signature,
    };

    [Fact]
    public void TestVector_CanonicalStringAndSignature_MatchTheReadme()
    {
        Assert.Equal(BodySha256, IdentitySignature.ContentSha256(Encoding.UTF8.GetBytes(Body)));
        var canonical = IdentitySignature.CanonicalString(Timestamp, Nonce, "post", "Tasks.Internal:8080", Target, BodySha256, "user-42", "cli-7", "tasks:read tasks:write");
        Assert.Equal(
            "FACADE-IDENTITY-V1\n1767225600\nAAECAwQFBgcICQoLDA0ODw\nPOST\ntasks.internal:8080\n/v2/api/tasks?state=open&q=a%20b\n"
            + BodySha256 + "\nuser-42\ncli-7\ntasks:read tasks:write",
            canonical);
        Assert.Equal(Signature, IdentitySignature.Sign(Encoding.UTF8.GetBytes(Key), canonical));
    }

    [Fact]
    public void TestVector_Verifies_InsideTheWindow_AndOnlyOnce()
    {
        var nonces = new IdentityNonceCache(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1767225600)));
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1767225600 + 299));

        var first = Verify(clock, nonces.TryUse);
        Assert.True(first.IsValid, first.Reason);
        Assert.Equal("user-42", first.Subject);
        Assert.Equal(["tasks:read", "tasks:write"], first.ScopeList);

        Assert.Equal(IdentityFailure.Replayed, Verify(clock, nonces.TryUse).Failure);
        Assert.Equal(IdentityFailure.OutsideWindow, Verify(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1767225600 + 301)), null).Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("TlLDlm7RxUH0JkZmjWQGkKCroOGND-mGyt-sdVsHWS")]
    [InlineData("TlLDlm7RxUH0JkZmjWQGkKCroOGND-mGyt-sdVsHWSwA")]
    [InlineData("%%%")]
    public void MalformedSignature_IsRejected_NeverThrows(string signature)
    {
        var headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [IdentitySignature.SignatureHeader] = signature };
        var result = IdentityVerifier.Verify(name => headers.GetValueOrDefault(name), "POST", Host, Target, Encoding.UTF8.GetBytes(Body),
            Encoding.UTF8.GetBytes(Key), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1767225600)), TimeSpan.FromMinutes(5));
        Assert.False(result.IsValid);
        Assert.Contains(result.Failure, new[] { IdentityFailure.MissingHeader, IdentityFailure.BadSignature });
    }

    [Fact]
    public void NonceCache_WhenFullOfLiveNonces_RefusesRatherThanForgets()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1767225600));
        var nonces = new IdentityNonceCache(time, capacity: 2);
        Assert.True(nonces.TryUse("a", time.GetUtcNow().AddMinutes(5)));
        Assert.True(nonces.TryUse("b", time.GetUtcNow().AddMinutes(5)));
        Assert.False(nonces.TryUse("c", time.GetUtcNow().AddMinutes(5)));

        time.Advance(TimeSpan.FromMinutes(6));
        Assert.True(nonces.TryUse("c", time.GetUtcNow().AddMinutes(5)));
        Assert.Equal(1, nonces.Count);
    }

    private static IdentityVerification Verify(TimeProvider clock, Func<string, DateTimeOffset, bool>? nonces) =>
        IdentityVerifier.Verify(name => Headers.GetValueOrDefault(name), "POST", Host, Target, Encoding.UTF8.GetBytes(Body),
            Encoding.UTF8.GetBytes(Key), clock, TimeSpan.FromMinutes(5), nonces);
}
