using System.Web;
using Facade.Mcp.Bridge.Cli;
using ModelContextProtocol.Authentication;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// The SDK's <see cref="ClientOAuthOptions.AuthorizationCallbackHandler"/>: listens on the loopback redirect, sends
/// the user's browser to the authorize URL (or, with <c>--no-browser</c>, only prints it on stderr; with <c>--headless</c>,
/// follows it itself, see <see cref="HeadlessAuthorization"/>), and returns the code, state and issuer the browser
/// comes back with.
/// </summary>
internal sealed class BrowserAuthorization(bool openBrowser, bool headless, TimeSpan timeout)
{
    private int _authorizations;

    /// <summary>How many sign-ins this process started.</summary>
    public int Authorizations => Volatile.Read(ref _authorizations);

    public async Task<AuthorizationResult?> AuthorizeAsync(AuthorizationCallbackContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        Interlocked.Increment(ref _authorizations);
        var expectedState = HttpUtility.ParseQueryString(context.AuthorizationUri.Query)["state"];
        using var callback = LoopbackCallback.Listen(context.RedirectUri);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        Task following = Task.CompletedTask;
        if (headless)
        {
            Stderr.Info($"sign-in required; following the authorize URL without a browser (--headless) to {context.RedirectUri}.");
            following = HeadlessAuthorization.FollowAsync(context.AuthorizationUri, context.RedirectUri, deadline.Token);
        }
        else
        {
            Stderr.Info("sign-in required. Open this URL in a browser to sign in and allow access:");
            Stderr.Url(context.AuthorizationUri);
            if (openBrowser && !BrowserLauncher.TryOpen(context.AuthorizationUri))
            {
                Stderr.Info("could not open a browser; open the URL above yourself.");
            }

            Stderr.Info($"waiting for the browser at {context.RedirectUri} (up to {timeout.TotalMinutes:0} min) ...");
        }

        System.Collections.Specialized.NameValueCollection query;
        try
        {
            var receiving = callback.ReceiveAsync(expectedState, deadline.Token);
            _ = receiving.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            if (await Task.WhenAny(receiving, following) == following)
            {
                // Headless: a failure to reach the callback ends the wait; success means the callback is on its way.
                await following;
            }

            query = await receiving;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BridgeException($"no sign-in within {timeout.TotalMinutes:0} minutes; run facade-mcp again to retry.", ExitCodes.Unauthorized);
        }

        if (query["error"] is { } error)
        {
            var description = query["error_description"];
            throw new BridgeException($"sign-in failed: {error}{(description is null ? "" : $" ({description})")}.", ExitCodes.Unauthorized);
        }

        Stderr.Info("signed in.");
        return new AuthorizationResult { Code = query["code"], State = query["state"], Iss = query["iss"] };
    }
}
