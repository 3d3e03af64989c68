namespace BankService;

/// <summary>
/// <c>dotnet run --project samples/BankService</c> serves on http://127.0.0.1:5080 with its state in bank-service.db;
/// <c>-- --db=:memory: --urls=http://127.0.0.1:5081</c> keeps nothing and uses another port.
/// </summary>
public static class Program
{
    public static Task Main(string[] args) => BankServiceApp.Build(args).RunAsync();
}
