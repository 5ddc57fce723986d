using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Facade.DeviceEdge.Registry;
using Facade.DeviceEdge.Tests.Mosquitto;

namespace Facade.DeviceEdge.Tests.Registry;

/// <summary>
/// A device's secret is stored in mosquitto's own password-file format (<c>$7$</c>, PBKDF2-SHA512, salted), so the
/// embedded broker and an external mosquitto check the same stored hash.
/// </summary>
public sealed partial class DeviceSecretTests
{
    [Fact]
    public void Hash_IsMosquittoPbkdf2_Salted()
    {
        var secret = DeviceSecret.New();

        var first = DeviceSecret.Hash(secret);
        var second = DeviceSecret.Hash(secret);

        Assert.Matches(MosquittoHash(), first);
        Assert.NotEqual(first, second);
        Assert.True(DeviceSecret.Matches(Encoding.UTF8.GetBytes(secret), first));
        Assert.True(DeviceSecret.Matches(Encoding.UTF8.GetBytes(secret), second));
        Assert.False(DeviceSecret.Matches(Encoding.UTF8.GetBytes(secret + "x"), first));
    }

    [Fact]
    public async Task HashMadeByMosquittoPasswd_MatchesTheSecret()
    {
        var secret = DeviceSecret.New();
        var folder = Directory.CreateTempSubdirectory("facade-passwd-");
        try
        {
            var file = Path.Combine(folder.FullName, "passwd");
            using (var tool = Process.Start(new ProcessStartInfo(MosquittoBinaries.Passwd, ["-c", "-b", file, "dev-1", secret]) { RedirectStandardOutput = true, RedirectStandardError = true })!)
            {
                await tool.WaitForExitAsync(TestContext.Current.CancellationToken);
                Assert.Equal(0, tool.ExitCode);
            }

            var hash = (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Trim().Split(':', 2)[1];

            Assert.Matches(MosquittoHash(), hash);
            Assert.True(DeviceSecret.Matches(Encoding.UTF8.GetBytes(secret), hash));
            Assert.False(DeviceSecret.Matches(Encoding.UTF8.GetBytes(secret[..^1]), hash));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("$6$c2FsdA==$aGFzaA==")]
    [InlineData("$7$0$AAAAAAAAAAAAAAAA$")]
    [InlineData("$7$101$not base64$AAAA")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public void UnreadableStoredHash_MatchesNothing(string? stored)
    {
        Assert.False(DeviceSecret.Matches("fdev_anything"u8, stored));
    }

    [Fact]
    public void EmptyPassword_MatchesNothing()
    {
        Assert.False(DeviceSecret.Matches([], DeviceSecret.Hash("")));
    }

    [GeneratedRegex(@"^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$")]
    private static partial Regex MosquittoHash();
}
