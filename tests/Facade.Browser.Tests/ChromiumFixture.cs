using Microsoft.Playwright;

namespace Facade.Browser.Tests;

/// <summary>
/// One headless Debian Chromium per test class (<c>IClassFixture</c>); each test opens its own
/// <see cref="IBrowserContext"/> (cookies, storage) on it. A missing Chromium fails every test with the install command.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>Debian's <c>chromium</c> package. Playwright's own browser download is not used (and cannot work here).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed: {ChromiumPath} does not exist. The browser tests drive Debian's Chromium; " +
                "install it with `apt-get update && apt-get install -y chromium` (./run.sh test does this).");
        }

        PlaywrightDriver.EnsureReady();
        Assertions.SetDefaultExpectTimeout(60_000);
        _playwright = await Playwright.CreateAsync();
        try
        {
            _browser = await _playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                Timeout = 60_000,
            });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"Playwright could not start {ChromiumPath}: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
