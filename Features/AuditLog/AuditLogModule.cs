using Marten;

namespace Langfuse.Features.AuditLog;

public static class AuditLogModule
{
    public static IServiceCollection AddAuditLogFeature(this IServiceCollection services)
    {
        services.ConfigureMarten(opts => opts.Schema.For<AuditLogEntry>().Index(e => e.OrganizationId).Index(e => e.CreatedAt));
        services.AddScoped<AuditLogReads>();
        return services;
    }
}
