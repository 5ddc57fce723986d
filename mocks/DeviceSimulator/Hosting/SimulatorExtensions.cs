using System.Net;
using Facade.Mocks.DeviceSimulator.Control;
using Facade.Mocks.DeviceSimulator.Fleet;
using Facade.Mocks.DeviceSimulator.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class SimulatorExtensions
{
    /// <summary>
    /// The simulated fleet (options from <c>Simulator</c>, validated at start) and the control endpoint's listener,
    /// which is 127.0.0.1 only, whatever <c>urls</c> say: it takes devices offline and needs no token.
    /// </summary>
    public static IHostApplicationBuilder AddDeviceSimulator(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SimulatorOptions>()
            .BindConfiguration(SimulatorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<SimulatedFleet>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SimulatedFleet>());
        builder.Services.AddHealthChecks().AddCheck<FleetHealthCheck>("fleet");
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<SimulatorOptions>>((kestrel, simulator) => kestrel.Listen(IPAddress.Loopback, simulator.Value.ControlPort));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlJsonContext.Default));
        return builder;
    }
}
