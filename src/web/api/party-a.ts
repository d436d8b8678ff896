import type { PartyA } from '../../shared/schemas/party-a';
import { api } from './client';

/** The editable part of Party A; identity fields come from the verification. */
export type PartyAContactFields = {
  address: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  bankName: string;
  bankAccount: string;
};

export const fetchPartyA = (signal?: AbortSignal) => api.get<PartyA>('/party-a', signal);
export const updatePartyA = (body: PartyAContactFields) => api.put<PartyA>('/party-a', body);
