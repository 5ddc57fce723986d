using Facade.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace Facade.Browser.Tests;

/// <summary>
/// Per test: a fresh edge (<see cref="FacadeHost"/>, its own database, so consents and lockout counters never leak
/// between tests), the client's loopback redirect listener, and a fresh browser context on the class's Chromium.
/// </summary>
public abstract class BrowserTest(ChromiumFixture chromium) : IAsyncLifetime
{
    /// <summary>What the tests ask for: identity, refresh tokens and one API scope, each with its own consent wording.</summary>
    protected const string Scope = "openid offline_access tasks:read";

    /// <summary>The plain words the consent page must show for each scope of <see cref="Scope"/>.</summary>
    protected static readonly (string Scope, string Words)[] ScopeWords =
    [
        ("openid", "Know who you are (your user id)"),
        ("offline_access", "Stay connected when you are not using it (refresh tokens)"),
        ("tasks:read", "See your tasks"),
    ];

    /// <summary>The client_name <see cref="OAuthTestClient.RegisterAsync"/> registers.</summary>
    protected const string ClientName = "Test client";

    // Generous: CI runs on a loaded 2-core machine; waits end as soon as the condition holds.
    private const float TimeoutMs = 60_000;

    private IBrowserContext? _context;

    protected FacadeHost Host { get; private set; } = null!;

    protected LoopbackCallback Callback { get; private set; } = null!;

    protected OAuthTestClient OAuth { get; private set; } = null!;

    protected IBrowserContext Context => _context!;

    protected IPage Page { get; private set; } = null!;

    /// <summary>What Chromium refused because of the edge's Content-Security-Policy (it says so on the console).</summary>
    protected List<string> CspViolations { get; } = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The edge's own URL, the canonical resource its tokens are for.</summary>
    protected string Resource => Host.BaseUrl.AbsoluteUri;

    /// <summary>The edge this test drives: by default a fresh one, disposed with the test (<see cref="OwnsHost"/>).</summary>
    protected virtual FacadeHost StartHost() => FacadeHost.Start();

    /// <summary>False when <see cref="StartHost"/> hands out an edge a fixture shares and disposes.</summary>
    protected virtual bool OwnsHost => true;

    public virtual async ValueTask InitializeAsync()
    {
        Host = StartHost();
        Callback = await LoopbackCallback.StartAsync(Ct);
        OAuth = new OAuthTestClient(Host.BaseUrl);
        _context = await chromium.Browser.NewContextAsync(new()
        {
            BaseURL = Host.BaseUrl.AbsoluteUri,
            ViewportSize = new() { Width = 1280, Height = 800 },
            Locale = "en-US",
        });
        _context.SetDefaultTimeout(TimeoutMs);
        _context.SetDefaultNavigationTimeout(TimeoutMs);
        Page = await _context.NewPageAsync();
        Page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (CspViolations)
                {
                    CspViolations.Add(message.Text);
                }
            }
        };
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            if (TestContext.Current.TestState?.Result == TestResult.Failed && Page is { IsClosed: false })
            {
                // Where the browser was when the test failed: a picture and the URL beat a timeout message.
                var path = await SaveScreenshotAsync("failure-" + TestContext.Current.TestMethod?.MethodName, Page);
                TestContext.Current.TestOutputHelper?.WriteLine($"The browser was at {Page.Url}; screenshot: {path}");
            }

            await _context.CloseAsync();
        }

        OAuth?.Dispose();
        if (Callback is not null)
        {
            await Callback.DisposeAsync();
        }

        if (Host is not null && OwnsHost)
        {
            await Host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected Task<RegisteredClient> RegisterAsync() => OAuth.RegisterAsync(Callback.RedirectUri, cancellationToken: Ct);

    /// <summary>The absolute authorize URL a client would open in the user's browser.</summary>
    protected string AuthorizeUrl(RegisteredClient client, Pkce pkce, string state, string scope = Scope) =>
        new Uri(Host.BaseUrl, OAuthTestClient.AuthorizeUrl(client.ClientId, client.RedirectUri, scope, pkce, state, Resource)).AbsoluteUri;

    protected static string NewState() => "state-" + Guid.NewGuid().ToString("N");

    /// <summary>Types into the login form the way a user does and presses Sign in.</summary>
    protected async Task SubmitLoginAsync(string userName, string password)
    {
        await Page.GetByLabel("User name").FillAsync(userName);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.Locator("#sign-in").ClickAsync();
    }

    /// <summary>Opens the authorize URL, signs in as the demo user and waits for the consent page.</summary>
    protected async Task OpenConsentPageAsync(string authorizeUrl)
    {
        await Page.GotoAsync(authorizeUrl);
        await Assertions.Expect(Page).ToHaveURLAsync(Urls.LoginPage());
        await SubmitLoginAsync("demo", "demo-password");
        await Assertions.Expect(Page).ToHaveURLAsync(Urls.ConsentPage());
    }

    /// <summary>
    /// Runs <paramref name="action"/> (a click or a navigation) and returns the browser's request to the client's
    /// redirect_uri with its query (code, state, iss or error), after the callback page has loaded.
    /// </summary>
    protected async Task<ClientRedirect> RedirectToClientAsync(Func<Task> action)
    {
        var request = await Page.RunAndWaitForRequestAsync(action, r => Callback.IsCallback(r.Url));

        // Then the browser is on the client's page. Poll for its content rather than waiting for a navigation event:
        // the callback page can finish loading before a wait starts, and Playwright then sometimes misses it.
        await Assertions.Expect(Page.Locator("#callback")).ToHaveTextAsync(LoopbackCallback.Text);
        var query = QueryHelpers.ParseQuery(new Uri(request.Url).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        return new ClientRedirect(request, query);
    }

    /// <summary>The pages visited so far ran, styled themselves and submitted their forms within the edge's CSP.</summary>
    protected void AssertNoCspViolations()
    {
        lock (CspViolations)
        {
            Assert.True(CspViolations.Count == 0, "Chromium reported CSP violations: " + string.Join(" | ", CspViolations));
        }
    }

    /// <summary>
    /// Saves a full-page PNG to <c>artifacts/screenshots/&lt;name&gt;.png</c> at the repository root (gitignored; kept
    /// after <c>./run.sh test</c>) and attaches it to the test result.
    /// </summary>
    protected static async Task<string> SaveArtifactScreenshotAsync(string name, IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Facade.sln")))
        {
            root = root.Parent;
        }

        var folder = Path.Combine(root?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        var png = await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        TestContext.Current.AddAttachment(name + ".png", png, "image/png");
        return path;
    }

    /// <summary>Saves a full-page PNG under bin/…/screenshots/ and attaches it to the test result.</summary>
    protected static async Task<string> SaveScreenshotAsync(string name, IPage page)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        var png = await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        TestContext.Current.AddAttachment(name + ".png", png, "image/png");
        return path;
    }
}

/// <summary>The browser's request to the redirect_uri: the edge's authorization response.</summary>
public sealed record ClientRedirect(IRequest Request, IReadOnlyDictionary<string, string> Query)
{
    public string? Get(string name) => Query.TryGetValue(name, out var value) ? value : null;
}
