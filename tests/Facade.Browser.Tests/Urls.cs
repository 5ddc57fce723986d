using System.Text.RegularExpressions;

namespace Facade.Browser.Tests;

internal static partial class Urls
{
    /// <summary>The login page, carrying the authorize request to come back to.</summary>
    [GeneratedRegex(@"^http://127\.0\.0\.1:\d+/account/login\?ReturnUrl=%2Foauth%2Fauthorize%3F", RegexOptions.IgnoreCase)]
    public static partial Regex LoginPage();

    /// <summary>The consent page, carrying the authorize request to come back to.</summary>
    [GeneratedRegex(@"^http://127\.0\.0\.1:\d+/account/consent\?returnUrl=%2Foauth%2Fauthorize%3F", RegexOptions.IgnoreCase)]
    public static partial Regex ConsentPage();

    [GeneratedRegex(@"^http://127\.0\.0\.1:\d+/account/manage/consents$", RegexOptions.IgnoreCase)]
    public static partial Regex ConnectedAppsPage();

    /// <summary>The login page with nothing to return to (where signing out lands).</summary>
    [GeneratedRegex(@"^http://127\.0\.0\.1:\d+/account/login$", RegexOptions.IgnoreCase)]
    public static partial Regex PlainLoginPage();

    /// <summary>The login page that returns to <paramref name="path"/> (a local page) after sign-in.</summary>
    public static Regex LoginPageFor(string path) =>
        new("^http://127\\.0\\.0\\.1:\\d+/account/login\\?ReturnUrl=" + Regex.Escape(Uri.EscapeDataString(path)) + "$", RegexOptions.IgnoreCase);
}
