/** A party as printed on a contract, frozen when the contract was generated. */
export type PartySnapshot = {
  subjectType: 'personal' | 'enterprise';
  name: string;
  /** Enterprise: the credit code; person: the masked ID number. */
  idCode: string;
  legalRepresentative: string | null;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  bankName: string | null;
  bankAccount: string | null;
};

export type SignatureRecord = {
  role: 'party_a' | 'party_b';
  signer: string;
  signedAt: string;
  certificateSubject: string;
  certificateSerial: string;
  certificateIssuer: string;
  keyCustody?: 'signer' | 'platform';
};

export type ContractKind = 'framework' | 'icp_attachment' | 'order_attachment' | 'supplement';
export type ContractStatus = 'effective' | 'expired' | 'voided' | 'terminated';
