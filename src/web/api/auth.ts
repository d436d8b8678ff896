import type { AuthResponse, MeResponse } from '../../shared/schemas/auth';
import { api } from './client';

export const register = (email: string, password: string) =>
  api.post<AuthResponse>('/auth/register', { email, password });
export const login = (email: string, password: string) => api.post<AuthResponse>('/auth/login', { email, password });
export const logout = () => api.post<void>('/auth/logout');
export const fetchMe = (signal?: AbortSignal) => api.get<MeResponse>('/me', signal);
