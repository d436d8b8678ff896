import { type ThemeConfig, theme } from 'antd';

/**
 * The console's antd theme. Its own module, because the build renders antd with it too
 * (vite.config.ts, antdStaticStyle): the CSS written there must be what the console would write.
 */
export const consoleTheme: ThemeConfig = {
  algorithm: theme.defaultAlgorithm,
  token: {
    colorPrimary: '#1668dc',
    borderRadius: 4,
    // antd's secondary greys (45 % black) reach 3.3:1 on white; WCAG AA asks 4.5:1.
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
    // Links in antd's default blue reach 4.1:1; this shade of the primary reaches 5.9:1.
    colorLink: '#0958d9',
    // Danger buttons and error texts: antd's red reaches 3.3:1 on white.
    colorError: '#cf1322',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#1f2329', siderBg: '#fff' },
    Menu: { itemHeight: 38, subMenuItemBg: '#fff', groupTitleColor: 'rgba(0, 0, 0, 0.62)' },
    // Status tags print their text in the status colour on its lightest tint: the darker
    // shades of each palette keep that text at 4.5:1 or more.
    Tag: {
      colorSuccess: '#237804',
      colorInfo: '#0958d9',
      colorWarning: '#ad4e00',
      colorError: '#a8071a',
      green7: '#237804',
      cyan7: '#006d75',
      gold7: '#874d00',
      orange7: '#ad4e00',
      blue7: '#0958d9',
      purple7: '#531dab',
      red7: '#a8071a',
    },
  },
};
