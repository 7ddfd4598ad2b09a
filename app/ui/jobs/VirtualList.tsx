import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A list that renders only the rows in view (plus a few either side), so 10,000 jobs scroll as smoothly as 20.
 * Rows have one fixed height; the list scrolls inside its own box.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  renderRow,
  label,
  overscan = 6,
}: {
  items: readonly T[];
  rowHeight: number;
  renderRow: (item: T, index: number) => ReactNode;
  label: string;
  overscan?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || 600);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const visible = items.slice(first, last);

  return (
    <div ref={box} className="vlist" onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} tabIndex={-1}>
      <ul aria-label={label} aria-rowcount={items.length} style={{ height: items.length * rowHeight, position: 'relative', margin: 0, padding: 0 }}>
        {visible.map((item, i) => (
          <li key={first + i} style={{ position: 'absolute', top: (first + i) * rowHeight, left: 0, right: 0, height: rowHeight }} aria-posinset={first + i + 1} aria-setsize={items.length}>
            {renderRow(item, first + i)}
          </li>
        ))}
      </ul>
    </div>
  );
}
