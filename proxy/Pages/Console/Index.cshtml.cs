using Facade.Proxy.ApiKeys;
using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Facade.Proxy.Ledger;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Facade.Proxy.Pages.Console;

/// <summary><c>/console</c>: what the user has, and the way to each page.</summary>
internal sealed class IndexModel(UserManager<FacadeUser> users, TokenLedger ledger, ApiKeyStore keys, PublicUrl publicUrl) : PageModel
{
    public int LiveTokens { get; private set; }

    public int LiveKeys { get; private set; }

    public string EdgeUrl => publicUrl.Issuer;

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        LiveTokens = (await ledger.ListOfSubjectAsync(user.Id, includeEnded: false, 0, 1, HttpContext.RequestAborted)).Total;
        LiveKeys = (await keys.ListAsync(user.Id, HttpContext.RequestAborted)).Count(k => k.RevokedAt is null);
        return Page();
    }
}
