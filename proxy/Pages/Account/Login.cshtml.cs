using System.ComponentModel.DataAnnotations;
using Facade.Proxy.Audit;
using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.Data;
using Facade.Proxy.Federation;
using Facade.Proxy.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Pages.Account;

internal sealed class LoginModel(SignInManager<FacadeUser> signIn, IOptions<UpstreamOptions> upstream, PendingAuthorizations pending, AuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string ReturnUrl { get; set; } = "/";

    [BindProperty, Required, StringLength(256)]
    public string UserName { get; set; } = "";

    [BindProperty, Required, StringLength(1024)]
    public string Password { get; set; } = "";

    public string? ErrorMessage { get; private set; }

    public string? UpstreamDisplayName => upstream.Value.IsConfigured ? upstream.Value.DisplayName : null;

    public Task OnGetAsync() => UseSafeReturnUrlAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        await UseSafeReturnUrlAsync();
        if (!ModelState.IsValid)
        {
            ErrorMessage = "Enter your user name and password.";
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(UserName, Password, isPersistent: false, lockoutOnFailure: true);
        var address = HttpContext.Connection.RemoteIpAddress?.ToString();
        if (result.Succeeded)
        {
            audit.SignedIn(UserName, address);
            return LocalRedirect(ReturnUrl);
        }

        audit.SignInFailed(UserName, result.IsLockedOut, address);

        ErrorMessage = result.IsLockedOut
            ? "Too many failed attempts. Try again in a few minutes."
            : "Invalid user name or password.";
        Password = "";
        return Page();
    }

    /// <summary>
    /// Replaces the requested ReturnUrl with a safe one. The form's tag helpers render the value from ModelState (what
    /// was sent), not the property, so the unsafe value is dropped from there too or the page would echo it back.
    /// </summary>
    private async Task UseSafeReturnUrlAsync()
    {
        ReturnUrl = SafeReturnUrl(ReturnUrl);
        ModelState.Remove(nameof(ReturnUrl));

        // Signing in continues an authorize request, which may redirect straight on to the client (consent remembered).
        if (await pending.ReadAsync(ReturnUrl, HttpContext.RequestAborted) is { } request)
        {
            ContentSecurityPolicy.Of(HttpContext).AllowFormTarget(request.RedirectUri);
        }
    }

    /// <summary>Only local paths are followed after sign-in; anything else (//evil, https://evil) goes home.</summary>
    internal string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
