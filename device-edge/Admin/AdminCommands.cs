using System.CommandLine;
using Facade.Common;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Mosquitto;
using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Admin;

/// <summary>
/// Operator commands against the same configuration and database as the service, without starting it:
/// <c>Facade.DeviceEdge devices provision sensor-1 --owner &lt;user id&gt; --name … --type …</c>. Scripts (run.sh and
/// the device simulator) provision devices for a user this way; the REST API is the way for everyone else.
/// </summary>
public static class AdminCommands
{
    private const int MinimumSecretLength = 32;

    public static bool IsAdminCommand(string[] args) => args is ["devices", ..];

    public static Task<int> RunAsync(string[] args, TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        var id = new Argument<string>("id") { Description = "The device id ([a-z0-9][a-z0-9_-]{0,63})." };
        var owner = new Option<string>("--owner") { Description = "The owner's user id: the 'sub' of their access tokens.", Required = true };
        var name = new Option<string>("--name") { Description = "Display name.", Required = true };
        var type = new Option<string>("--type") { Description = "Device type, e.g. thermometer.", Required = true };
        var tags = new Option<string[]>("--tag") { Description = "A tag (repeat for more)." };
        var firmware = new Option<string?>("--firmware") { Description = "Firmware version." };
        var secretStdin = new Option<bool>("--secret-stdin") { Description = $"Read the secret from standard input (first line, at least {MinimumSecretLength} characters) instead of generating one." };

        var provision = new Command("provision", "Register a device for a user, or give an existing device of that user a new secret. Prints the secret on the last line.")
        {
            id, owner, name, type, tags, firmware, secretStdin,
        };
        provision.SetAction((result, ct) => WithDatabaseAsync(args, db => ProvisionAsync(db, new Provisioning(
            result.GetValue(id)!, result.GetValue(owner)!, result.GetValue(name)!, result.GetValue(type)!,
            result.GetValue(tags) ?? [], result.GetValue(firmware),
            result.GetValue(secretStdin) ? input.ReadLine()?.Trim() ?? "" : null), output, ct)));

        var list = new Command("list", "List devices: id, owner, type, name.");
        list.SetAction((result, ct) => WithDatabaseAsync(args, async db =>
        {
            foreach (var device in await db.Devices.AsNoTracking().OrderBy(d => d.Id).ToListAsync(ct))
            {
                await output.WriteLineAsync($"{device.Id}\t{device.OwnerId}\t{device.Type}\t{device.Name}");
            }

            return 0;
        }));

        var delete = new Command("delete", "Delete a device (its shares and status go with it).") { id };
        delete.SetAction((result, ct) => WithDatabaseAsync(args, async db =>
        {
            var deleted = await db.Devices.Where(d => d.Id == result.GetValue(id)).ExecuteDeleteAsync(ct);
            await output.WriteLineAsync(deleted == 0 ? $"No device '{result.GetValue(id)}'." : $"Device '{result.GetValue(id)}' deleted.");
            return deleted == 0 ? 2 : 0;
        }));

        var mosquittoSync = new Command("mosquitto-sync",
            "Write mosquitto's password and ACL files from the registry now and signal mosquitto to reload them (External mode with DeviceEdge:Mqtt:Mosquitto:AccountsDirectory).");
        mosquittoSync.SetAction((result, ct) => WithDatabaseAsync(args, async _ =>
        {
            await output.WriteLineAsync("Checked mosquitto's password and ACL files against the registry.");
            return 0;
        }));

        var root = new RootCommand("Facade device edge administration") { new Command("devices", "Manage devices.") { provision, list, delete, mosquittoSync } };
        return AdminCommandLine.InvokeAsync(root.Parse(args.Where(a => !IsHostArgument(a)).ToArray()), "device-edge");
    }

    private sealed record Provisioning(string Id, string Owner, string Name, string Type, string[] Tags, string? Firmware, string? Secret);

    private static async Task<int> ProvisionAsync(DeviceEdgeDbContext db, Provisioning request, TextWriter output, CancellationToken cancellationToken)
    {
        var problem = !DeviceId.IsValid(request.Id) ? $"The id must match {DeviceId.Rule}."
            : !DeviceRules.IsUserId(request.Owner) ? "The owner must be a user id (printable ASCII without spaces)."
            : request.Secret is { Length: < MinimumSecretLength } ? $"The secret must be at least {MinimumSecretLength} characters."
            : DeviceRules.CheckName(request.Name) ?? DeviceRules.CheckType(request.Type) ?? DeviceRules.CheckTags(request.Tags) ?? DeviceRules.CheckFirmware(request.Firmware);
        if (problem is not null)
        {
            await output.WriteLineAsync(problem);
            return 2;
        }

        var secret = request.Secret ?? DeviceSecret.New();
        var now = StoredTime.Now(TimeProvider.System);
        var device = await db.Devices.FirstOrDefaultAsync(d => d.Id == request.Id, cancellationToken);
        if (device is not null && device.OwnerId != request.Owner)
        {
            await output.WriteLineAsync($"Device '{request.Id}' exists and belongs to another user.");
            return 1;
        }

        if (device is null)
        {
            db.Devices.Add(new Device
            {
                Id = request.Id,
                Name = request.Name.Trim(),
                Type = request.Type,
                Tags = DeviceRules.NormalizeTags(request.Tags),
                FirmwareVersion = string.IsNullOrEmpty(request.Firmware) ? null : request.Firmware,
                OwnerId = request.Owner,
                SecretHash = DeviceSecret.Hash(secret),
                CreatedAt = now,
                UpdatedAt = now,
                SecretIssuedAt = now,
            });
        }
        else
        {
            device.SecretHash = DeviceSecret.Hash(secret);
            device.SecretIssuedAt = now;
            device.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        await output.WriteLineAsync(device is null
            ? $"Device '{request.Id}' provisioned for {request.Owner}. Its secret (shown once):"
            : $"Device '{request.Id}' has a new secret (a running service keeps its current session until it reconnects):");
        await output.WriteLineAsync(secret);
        return 0;
    }

    /// <summary><c>--environment=…</c> and <c>--DeviceEdge:Key=value</c> configure the host, as they do for the service itself.</summary>
    private static bool IsHostArgument(string arg) =>
        arg.StartsWith("--environment", StringComparison.Ordinal) || arg.StartsWith("--DeviceEdge:", StringComparison.Ordinal);

    /// <summary>
    /// Builds just enough of the service (configuration, database, mosquitto's accounts) to manage devices, migrating
    /// first. In External mode mosquitto's files are brought in line with the registry afterwards (a service running
    /// meanwhile would only do so at its next resync).
    /// </summary>
    private static async Task<int> WithDatabaseAsync(string[] args, Func<DeviceEdgeDbContext, Task<int>> action)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args.Where(IsHostArgument).ToArray() });
        builder.Logging.ClearProviders();
        builder.AddDeviceEdgeHosting();
        builder.AddDeviceEdgeData();
        builder.AddMosquittoAccounts();
        await using var app = builder.Build();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<DeviceEdgeDbContext>>();
        await DatabaseInitializer.MigrateAsync(contexts, CancellationToken.None);
        int status;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            status = await action(db);
        }

        var accounts = app.Services.GetRequiredService<MosquittoAccounts>();
        if (accounts.Enabled && !await accounts.SyncAsync(CancellationToken.None))
        {
            await Console.Error.WriteLineAsync($"Could not write mosquitto's files to {accounts.AccountsDirectory}.");
            return status == 0 ? 1 : status;
        }

        return status;
    }
}
