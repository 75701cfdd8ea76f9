import type { components } from "./schema";

type S = components["schemas"];
export type Session = S["LangfuseFeaturesUsersGetSessionResponse"];
export type OrganizationSummary = S["LangfuseFeaturesOrganizationsOrganizationSummary"];
export type TraceItem = S["LangfuseFeaturesTracingBrowseTracesTraceItem"];
export type TraceView = S["LangfuseFeaturesTracingViewTraceTraceView"];
export type ObservationView = S["LangfuseFeaturesTracingViewTraceObservationView"];
export type ScoreView = S["LangfuseFeaturesTracingViewTraceScoreView"];
export type ApiKeySummary = S["LangfuseFeaturesProjectsApiKeySummary"];
export type CreatedApiKey = S["LangfuseFeaturesProjectsCreatedApiKey"];
export type MemberItem = S["LangfuseFeaturesOrganizationsMemberItem"];
export type SessionItem = S["LangfuseFeaturesTracingBrowseSessionsSessionItem"];
export type SessionUsage = S["LangfuseFeaturesTracingGetSessionUsageSessionUsage"];
export type SessionTrace = S["LangfuseFeaturesTracingViewSessionSessionTrace"];
export type UserItem = S["LangfuseFeaturesTracingBrowseUsersUserItem"];
export type UserUsage = S["LangfuseFeaturesTracingGetUserUsageUserUsage"];
export type InvitationItem = S["LangfuseFeaturesOrganizationsInvitationItem"];
export type PromptPage = S["LangfuseFeaturesPromptsViewPromptPromptPage"];
