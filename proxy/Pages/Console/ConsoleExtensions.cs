using Facade.Proxy.Pages.Console;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

internal static class ConsoleExtensions
{
    /// <summary>
    /// The console (<c>/console</c>): server-rendered pages for a signed-in user (tokens, keys, connected apps, devices,
    /// tools, client set-up) with a little script from <c>wwwroot/console/assets</c>. Every page needs the session.
    /// </summary>
    public static IHostApplicationBuilder AddUserConsole(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<TokenRevocation>();
        builder.Services.Configure<RazorPagesOptions>(options =>
        {
            options.Conventions.AuthorizeFolder("/Console");

            // The connected-apps page, once: also inside the console, with its navigation.
            options.Conventions.AddPageRoute("/Account/Manage/Consents", "console/consents");
        });
        return builder;
    }

    /// <summary>The console's script and style files (the pages themselves are Razor Pages, mapped with the rest).</summary>
    public static WebApplication MapUserConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseStaticFiles();
        return app;
    }
}
