using Marten;

namespace Langfuse.Features.Organizations;

public static class OrganizationsModule
{
    public static IServiceCollection AddOrganizationsFeature(this IServiceCollection services)
    {
        services.ConfigureMarten(opts =>
        {
            // Membership changes store the organization again: its version serialises them (see Memberships).
            opts.Schema.For<Organization>().UseOptimisticConcurrency(true);
            opts.Schema.For<OrganizationMembership>().Index(m => m.OrganizationId).Index(m => m.UserId);
            opts.Schema.For<ProjectMembership>().Index(m => m.ProjectId).Index(m => m.UserId);
            opts.Schema.For<Invitation>().Index(i => i.Email).Index(i => i.OrganizationId);
        });
        services.AddScoped<Access>();
        services.AddScoped<MyOrganizations>();
        services.AddSingleton<Memberships>();
        services.AddSingleton<Invitations>();
        services.AddSingleton<OrganizationAdmin>();
        return services;
    }
}
