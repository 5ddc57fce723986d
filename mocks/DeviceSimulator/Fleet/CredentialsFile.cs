using System.Text.Json;
using Facade.Mocks.DeviceSimulator.Models;

namespace Facade.Mocks.DeviceSimulator.Fleet;

/// <summary>
/// Reads and writes the credentials file. It holds device secrets: it is written owner-only (0600, in a 0700 folder
/// when the folder is created) and replaced atomically, so a crash never leaves half a file behind.
/// </summary>
internal static class CredentialsFile
{
    public const string StandardInput = "-";

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The devices in the file (or on <paramref name="stdin"/> for <c>-</c>); a problem throws with the file and what is wrong.</summary>
    public static async Task<IReadOnlyList<DeviceCredentials>> ReadAsync(string path, TextReader stdin, CancellationToken cancellationToken)
    {
        var source = path == StandardInput ? "standard input" : path;
        string text;
        try
        {
            text = path == StandardInput ? await stdin.ReadToEndAsync(cancellationToken) : await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"No credentials file at {path}: create it with 'init --devices 5 --credentials {path}' and provision its devices (./run.sh does both).");
        }

        return Parse(text, source);
    }

    public static IReadOnlyList<DeviceCredentials> Parse(string text, string source)
    {
        CredentialsDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(text, FleetJsonContext.Default.CredentialsDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The credentials in {source} are not valid: {e.Message}", e);
        }

        var devices = document?.Devices ?? [];
        var problems = devices.Select((d, i) => Check(d) is { } problem ? $"devices[{i}] '{d.Id}': {problem}" : null).OfType<string>()
            .Concat(devices.GroupBy(d => d.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"device '{g.Key}' is listed more than once"))
            .ToList();
        if (devices.Count == 0)
        {
            problems.Add("no devices");
        }

        return problems.Count == 0 ? devices : throw new InvalidDataException($"The credentials in {source} are not valid: {string.Join("; ", problems)}.");
    }

    public static async Task WriteAsync(string path, IReadOnlyList<DeviceCredentials> devices, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, OwnerOnlyFolder);
            }
        }

        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            await using (var stream = new FileStream(temporary, options))
            {
                await JsonSerializer.SerializeAsync(stream, new CredentialsDocument(devices), FleetJsonContext.Default.CredentialsDocument, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static string? Check(DeviceCredentials device) =>
        string.IsNullOrWhiteSpace(device.Id) ? "no id"
        : string.IsNullOrEmpty(device.Secret) ? "no secret"
        : string.IsNullOrWhiteSpace(device.Name) ? "no name"
        : !DeviceModels.IsKnown(device.Type) ? $"unknown type '{device.Type}' (known: {string.Join(", ", DeviceModels.Types)})"
        : null;
}
