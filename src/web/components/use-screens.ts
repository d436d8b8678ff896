import { theme } from 'antd';
// Grid.useBreakpoint's own module: the namespace types it without the second argument it takes.
import useBreakpoint from 'antd/es/grid/hooks/useBreakpoint';
import type { ScreenMap as Screens } from 'antd/es/_util/responsiveObserver';
import { useState } from 'react';

/**
 * antd's breakpoints, right from the first render. `Grid.useBreakpoint` knows none of them until
 * its layout effect has run, so a phone first rendered the laptop's layout (the side menu, the
 * contract table) only to throw it away; the same media queries, asked once at mount, avoid that.
 */
export function useScreens(): Screens {
  const { token } = theme.useToken();
  const [initial] = useState<Screens>(() => {
    if (typeof window === 'undefined' || !window.matchMedia) return {};
    const matches = (query: string) => window.matchMedia(query).matches;
    return {
      xs: matches(`(max-width: ${token.screenXSMax}px)`),
      sm: matches(`(min-width: ${token.screenSM}px)`),
      md: matches(`(min-width: ${token.screenMD}px)`),
      lg: matches(`(min-width: ${token.screenLG}px)`),
      xl: matches(`(min-width: ${token.screenXL}px)`),
      xxl: matches(`(min-width: ${token.screenXXL}px)`),
      xxxl: matches(`(min-width: ${token.screenXXXL}px)`),
    };
  });
  return useBreakpoint(true, initial);
}
