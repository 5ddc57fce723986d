using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Facade.Proxy.Data;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.ApiKeys;

/// <summary>
/// HMAC-SHA256 of a key under the pepper (<see cref="ApiKeyOptions.HashKey"/>): a fast keyed hash suits 256-bit random
/// keys, and a stolen database alone cannot be checked against guesses. Development without a configured pepper: one
/// generated once into the data folder, like the development signing key (Keys/KeyRing.cs).
/// </summary>
public sealed class ApiKeyHasher
{
    private readonly byte[] _pepper;

    public ApiKeyHasher(IOptions<ApiKeyOptions> options, DataPaths paths, IHostEnvironment environment)
    {
        if (options.Value.HashKey is { } configured)
        {
            _pepper = Encoding.UTF8.GetBytes(configured);
        }
        else if (environment.IsDevelopment())
        {
            _pepper = Encoding.UTF8.GetBytes(LoadOrCreate(Path.Combine(paths.Directory, "keys", "api-key-hash.key")));
        }
        else
        {
            throw new OptionsValidationException(ApiKeyOptions.SectionName, typeof(ApiKeyOptions),
                [$"{ApiKeyOptions.SectionName}:HashKey is required outside Development."]);
        }
    }

    public string Hash(string key) => Base64Url.EncodeToString(HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes(key)));

    private static string LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, secret);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (the admin command, a second edge) made it first: theirs is the one.
            File.Delete(temp);
            return File.ReadAllText(path).Trim();
        }

        return secret;
    }
}
