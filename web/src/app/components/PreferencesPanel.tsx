import { useQueryClient } from '@tanstack/react-query';
import { Button, Selector, Toast } from 'antd-mobile';
import { useState } from 'react';
import { errorMessage } from '../../lib/messages';
import { citizenKey, savePreferences, type CitizenProfile } from '../citizen-api';
import { useDistricts, useSports } from '../queries';

/** Most sports a citizen may pick; the server rejects more. */
const FAVOURITE_SPORTS_MAX = 10;
/** Sports shown before the citizen asks for the whole catalogue, besides those chosen. */
const FIRST_SPORTS = 12;

/** Favourite sports and district as the citizen has chosen them on the page, saved or not. */
export interface PreferencesDraft {
  chosenSports: string[];
  setChosenSports: (codes: string[]) => void;
  district: string;
  setDistrict: (code: string) => void;
  /** Whether the choice differs from the saved profile. */
  changed: boolean;
  input: { favouriteSports: string[]; districtCode: string | null };
}

/**
 * Keeps the citizen's choice of favourite sports and district, so that both save buttons of
 * the profile page can save it.
 */
export function usePreferencesDraft(profile: CitizenProfile): PreferencesDraft {
  const [chosenSports, setChosenSports] = useState(profile.favouriteSports);
  const [district, setDistrict] = useState(profile.districtCode ?? '');
  const sameSports =
    chosenSports.length === profile.favouriteSports.length &&
    chosenSports.every((code) => profile.favouriteSports.includes(code));
  return {
    chosenSports,
    setChosenSports,
    district,
    setDistrict,
    changed: !sameSports || district !== (profile.districtCode ?? ''),
    input: { favouriteSports: chosenSports, districtCode: district || null },
  };
}

/** Lets a signed-in citizen choose favourite sports and a district for recommendations. */
export function PreferencesPanel({ draft }: { draft: PreferencesDraft }) {
  const sports = useSports();
  const districts = useDistricts();
  const queryClient = useQueryClient();
  const { chosenSports, setChosenSports, district, setDistrict } = draft;
  const [saving, setSaving] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const catalogue = sports.data ?? [];
  const shown = showAll
    ? catalogue
    : catalogue.filter((sport, index) => index < FIRST_SPORTS || chosenSports.includes(sport.code));

  const save = async () => {
    setSaving(true);
    try {
      const saved = await savePreferences(draft.input);
      queryClient.setQueryData(citizenKey, saved);
      Toast.show({ icon: 'success', content: '已保存' });
    } catch (error) {
      Toast.show({ content: errorMessage(error) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="panel preferences" aria-labelledby="favourite-sports" id="preferences">
      <h2 className="panel-title" id="favourite-sports">
        喜欢的运动项目
      </h2>
      <p className="panel-note">
        首页会优先推荐这些项目，最多选 {FAVOURITE_SPORTS_MAX} 项（已选 {chosenSports.length} 项）
      </p>
      <Selector
        className="sport-selector"
        columns={3}
        multiple
        value={chosenSports}
        options={shown.map((sport) => ({
          label: sport.name,
          value: sport.code,
          disabled:
            chosenSports.length >= FAVOURITE_SPORTS_MAX && !chosenSports.includes(sport.code),
        }))}
        onChange={setChosenSports}
      />
      {!showAll && catalogue.length > shown.length && (
        <Button
          className="preferences-more"
          fill="none"
          color="primary"
          onClick={() => setShowAll(true)}
        >
          展开全部 {catalogue.length} 个项目
        </Button>
      )}
      <h2 className="panel-title preferences-district" id="my-district">
        我的区
      </h2>
      <p className="panel-note">首页“我的区”按这里推荐附近赛事</p>
      <Selector
        columns={3}
        value={[district]}
        options={[
          { label: '不限', value: '' },
          ...(districts.data ?? []).map((d) => ({ label: d.name, value: d.code })),
        ]}
        onChange={(values) => setDistrict(values[0] ?? '')}
      />
      <Button
        className="preferences-save"
        block
        color="primary"
        size="large"
        shape="rounded"
        loading={saving}
        onClick={() => void save()}
      >
        保存偏好
      </Button>
    </section>
  );
}
