import { useEffect, type RefObject } from 'react';

/** Moves keyboard focus to `ref` when the component mounts, if `when` is true. */
export function useFocusOnMount(ref: RefObject<HTMLElement | null>, when: boolean): void {
  useEffect(() => {
    if (when) ref.current?.focus();
    // Only on mount: later renders must not steal focus.
  }, []);
}
