import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ErrorCode } from '../../shared/errors';
import type { Locale as AntdLocale } from 'antd/es/locale';
import zhCNAntd from 'antd/locale/zh_CN';
import * as zhCN from './zh-CN';
import type { MessageKey } from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

type Catalogue = { messages: Record<MessageKey, string>; errors: Record<ErrorCode, string>; antd: AntdLocale };

// Chinese is built in; English (and antd's English strings) arrive in their own chunk when chosen.
const chinese: Catalogue = { ...zhCN, antd: zhCNAntd };
const loadEnglish = async (): Promise<Catalogue> => {
  const [en, antd] = await Promise.all([import('./en'), import('antd/locale/en_US')]);
  return { messages: en.messages, errors: en.errors, antd: antd.default };
};
const storageKey = 'qiyue.locale';

function initialLocale(): Locale {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

type LocaleContextValue = {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
  errorText: (code: string) => string | undefined;
  /** antd's own strings (pagination, pickers, empty states) in the same language. */
  antdLocale: AntdLocale;
};

const LocaleContext = createContext<LocaleContextValue | null>(null);

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [english, setEnglish] = useState<Catalogue | null>(null);
  const needsEnglish = locale === 'en' && !english;

  useEffect(() => {
    if (!needsEnglish) return;
    let isCurrent = true;
    loadEnglish().then(
      (catalogue) => isCurrent && setEnglish(catalogue),
      // Offline or a stale build: stay in Chinese rather than show nothing.
      () => isCurrent && setLocaleState('zh-CN'),
    );
    return () => {
      isCurrent = false;
    };
  }, [needsEnglish]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // Private browsing may refuse storage; the choice then lasts for this page only.
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const value = useMemo<LocaleContextValue>(() => {
    const catalogue = locale === 'en' && english ? english : chinese;
    const t: Translate = (key, vars) => {
      const text: string = catalogue.messages[key] ?? key;
      return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : text;
    };
    const errorText = (code: string) =>
      Object.hasOwn(catalogue.errors, code) ? catalogue.errors[code as ErrorCode] : undefined;
    return { locale: catalogue === chinese ? 'zh-CN' : 'en', setLocale, t, errorText, antdLocale: catalogue.antd };
  }, [locale, english, setLocale]);

  // A moment without text while English loads, rather than a flash of Chinese.
  if (needsEnglish) return null;
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): LocaleContextValue {
  const value = useContext(LocaleContext);
  if (!value) throw new Error('useLocale outside LocaleProvider');
  return value;
}

export function useT(): Translate {
  return useLocale().t;
}
