import type { z } from 'zod';
import type { AuthResponse } from '../../shared/schemas/auth';
import type {
  ApiKeyInfo,
  apiKeysResponse,
  createApiKeyResponse,
  Invitation,
  Member,
  membersResponse,
  RoleInfo,
  rolesResponse,
} from '../../shared/schemas/org';
import { api } from './client';

export type { ApiKeyInfo, Invitation, Member, RoleInfo };
export type MembersAnswer = z.infer<typeof membersResponse>;

export const fetchMembers = (signal?: AbortSignal) => api.get<MembersAnswer>('/org/members', signal);
export const fetchRoles = (signal?: AbortSignal) => api.get<z.infer<typeof rolesResponse>>('/org/roles', signal);
export const fetchApiKeys = (signal?: AbortSignal) => api.get<z.infer<typeof apiKeysResponse>>('/org/api-keys', signal);

export const inviteMember = (email: string, role: string) => api.post<{ invitation: Invitation }>('/org/invitations', { email, role });
export const withdrawInvitation = (id: string) => api.delete<void>(`/org/invitations/${id}`);
export const changeMemberRole = (userId: string, role: string) => api.patch<{ member: Member }>(`/org/members/${userId}`, { role });
export const removeMember = (userId: string) => api.delete<void>(`/org/members/${userId}`);
export const createRole = (name: string, permissions: string[]) => api.post<{ role: RoleInfo }>('/org/roles', { name, permissions });
export const createApiKey = (name: string, permissions: string[]) => api.post<z.infer<typeof createApiKeyResponse>>('/org/api-keys', { name, permissions });
export const revokeApiKey = (id: string) => api.delete<void>(`/org/api-keys/${id}`);
export const switchOrganisation = (accountId: string) => api.post<void>('/org/switch', { accountId });
/** A new login sends its password and its agreement to the terms; a signed-in one neither. */
export const acceptInvitation = (token: string, password?: string) =>
  api.post<AuthResponse>(`/invitations/${encodeURIComponent(token)}/accept`, password ? { password, acceptTerms: true } : {});
