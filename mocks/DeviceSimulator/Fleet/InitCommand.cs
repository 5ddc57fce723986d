using System.CommandLine;

namespace Facade.Mocks.DeviceSimulator.Fleet;

/// <summary>
/// <c>init --devices 5 --credentials data/simulator/credentials.json</c>: writes the credentials file for a fleet of
/// that size, keeping the secrets of devices it already lists, and prints each device as <c>id TAB type TAB name TAB
/// secret</c>, the input of the device edge's <c>devices provision … --secret-stdin</c> (run.sh pipes one into the other).
/// </summary>
internal static class InitCommand
{
    public static bool Matches(string[] args) => args is ["init", ..];

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var devices = new Option<int>("--devices") { Description = "How many devices (the types take turns).", DefaultValueFactory = _ => 5 };
        devices.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > FleetPlan.MaxDevices)
            {
                result.AddError($"--devices must be from 1 to {FleetPlan.MaxDevices}.");
            }
        });
        var credentials = new Option<string>("--credentials") { Description = "The credentials file to create or complete (owner-only).", Required = true };
        var init = new Command("init", "Create or complete the credentials file and print each device: id, type, name, secret (tab-separated).")
        {
            devices, credentials,
        };
        init.SetAction((result, ct) => InitAsync(result.GetValue(devices), result.GetValue(credentials)!, output, error, ct));
        var root = new RootCommand("Facade device simulator") { init };
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    private static async Task<int> InitAsync(int count, string path, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        IReadOnlyList<DeviceCredentials> existing = [];
        if (File.Exists(path))
        {
            try
            {
                existing = await CredentialsFile.ReadAsync(path, TextReader.Null, cancellationToken);
            }
            catch (InvalidDataException e)
            {
                // Never overwrite secrets we could not read: the devices may be provisioned with them.
                await error.WriteLineAsync(e.Message + " Fix or delete the file.");
                return 1;
            }
        }

        var fleet = FleetPlan.Create(count, existing);
        await CredentialsFile.WriteAsync(path, fleet, cancellationToken);
        foreach (var device in fleet)
        {
            await output.WriteLineAsync($"{device.Id}\t{device.Type}\t{device.Name}\t{device.Secret}");
        }

        return 0;
    }
}
