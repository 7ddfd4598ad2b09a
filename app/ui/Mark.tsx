/** Outpost's mark (the same tent and flag as the PNG icons drawn by scripts/make-icons.ts). */
export function Mark({ size = 28 }: { size?: number }) {
  return (
    <svg className="mark" width={size} height={size} viewBox="0 0 100 100" aria-hidden="true" focusable="false">
      <polygon points="50,26 98,96 2,96" fill="currentColor" />
      <polygon points="50,58 67,96 33,96" fill="var(--teal)" />
      <rect x="47.5" y="2" width="5" height="28" fill="currentColor" />
      <polygon points="52.5,3 84,11.5 52.5,20" fill="var(--amber)" />
    </svg>
  );
}
