import type { AuthResponse, MeResponse, SessionItem } from '../../shared/schemas/auth';
import { api } from './client';

export const register = (email: string, password: string) =>
  api.post<AuthResponse>('/auth/register', { email, password, acceptTerms: true });
export const login = (email: string, password: string, totp?: string) =>
  api.post<AuthResponse>('/auth/login', { email, password, ...(totp ? { totp } : {}) });
export const logout = () => api.post<void>('/auth/logout');
export const fetchMe = (signal?: AbortSignal) => api.get<MeResponse>('/me', signal);

export const requestPasswordReset = (email: string) => api.post<void>('/auth/password-reset', { email });
export const completePasswordReset = (token: string, password: string) => api.post<void>('/auth/password-reset/complete', { token, password });
export const changePassword = (currentPassword: string, newPassword: string) => api.post<void>('/auth/password', { currentPassword, newPassword });
export const fetchSessions = (signal?: AbortSignal) => api.get<{ items: SessionItem[] }>('/auth/sessions', signal);
export const endSession = (id: string) => api.delete<void>(`/auth/sessions/${encodeURIComponent(id)}`);
export const startTotp = () => api.post<{ secret: string; otpauthUri: string; qrDataUrl: string }>('/auth/totp');
export const confirmTotp = (code: string) => api.post<void>('/auth/totp/confirm', { code });
