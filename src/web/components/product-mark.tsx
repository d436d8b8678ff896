/** The product's mark, the same in the console's top bar, the sign-in pages and public pages. */
export function ProductMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true">
      <rect width="24" height="24" rx="5" fill="#1668dc" />
      <path d="M7 6h10v2H7zM7 10h10v2H7zM7 14h6v2H7z" fill="#fff" />
      <circle cx="17" cy="17" r="3" fill="none" stroke="#fff" strokeWidth="1.6" />
    </svg>
  );
}
