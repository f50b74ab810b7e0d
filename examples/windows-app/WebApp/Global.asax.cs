using System.Web;

namespace WebApp
{
    public class Global : HttpApplication
    {
    }
}
