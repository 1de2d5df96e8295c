// The demo's fixed vocabulary: people, categories, families, brands, pack sizes,
// seasonal shapes and the accounts sales reps talk about. Plain data, no logic.
import type { UserRole } from '../../../shared/domain';

export interface DemoUser {
  id: string;
  name: string;
  role: UserRole;
}

export const MANAGER_ID = 'maria.lopez';
export const ANALYST_ID = 'sam.taylor';

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'ana.silva', name: 'Ana Silva', role: 'planner' },
  { id: 'ben.okafor', name: 'Ben Okafor', role: 'planner' },
  { id: 'chen.wei', name: 'Chen Wei', role: 'planner' },
  { id: 'dev.patel', name: 'Dev Patel', role: 'planner' },
  { id: MANAGER_ID, name: 'Maria Lopez', role: 'manager' },
  { id: ANALYST_ID, name: 'Sam Taylor', role: 'analyst' },
];

export const PLANNER_IDS: readonly string[] = DEMO_USERS.filter((u) => u.role === 'planner').map((u) => u.id);

/** Monthly seasonal index, January first; normalised to mean 1 where used. */
export type SeasonShape = readonly number[];

export const SEASONS = {
  summer: [0.78, 0.8, 0.9, 1.0, 1.12, 1.28, 1.38, 1.32, 1.08, 0.92, 0.84, 0.98],
  holiday: [0.92, 0.88, 0.97, 1.03, 0.95, 0.98, 1.02, 1.0, 0.94, 1.0, 1.08, 1.33],
  chocolate: [0.85, 1.0, 1.15, 1.2, 0.8, 0.7, 0.68, 0.72, 0.9, 1.05, 1.25, 1.7],
  springClean: [0.97, 0.95, 1.07, 1.09, 1.03, 0.98, 0.95, 0.96, 0.99, 1.0, 0.99, 1.02],
  mildSummer: [0.96, 0.94, 0.98, 1.0, 1.03, 1.06, 1.07, 1.05, 0.99, 0.97, 0.95, 1.0],
  sunscreen: [0.3, 0.35, 0.6, 0.95, 1.6, 2.3, 2.5, 2.0, 0.9, 0.5, 0.4, 0.6],
  winter: [1.2, 1.15, 1.05, 0.95, 0.9, 0.85, 0.85, 0.88, 0.95, 1.05, 1.12, 1.15],
} as const satisfies Record<string, SeasonShape>;

export type SeasonName = keyof typeof SEASONS;

export interface FamilySpec {
  name: string;
  brands: readonly string[];
  variants: readonly string[];
  packs: readonly string[];
  /** Overrides the category's seasonal shape. */
  season?: SeasonName;
  /** Planners and fans stock up for big tournaments (World Cup 2026). */
  eventSensitive?: boolean;
}

export interface CategorySpec {
  name: string;
  /** The planner who owns most of the category's items. */
  planner: string;
  share: number;
  unit: string;
  season: SeasonName;
  /** Typical monthly volume multiplier (units sold 'each' run higher than cases). */
  volumeScale: number;
  suppliers: readonly string[];
  families: readonly FamilySpec[];
}

export const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'Beverages',
    planner: 'ana.silva',
    share: 0.3,
    unit: 'case',
    season: 'summer',
    volumeScale: 1.2,
    suppliers: ['Nordic Bottling', 'Valley Co-Pack'],
    families: [
      { name: 'Sparkling Water', brands: ['Aqualis', 'Northfall'], variants: ['Natural', 'Lemon', 'Lime', 'Grapefruit', 'Wild Berry'], packs: ['12x330ml', '6x1.5L', '24x500ml'], eventSensitive: true },
      { name: 'Still Water', brands: ['Aqualis', 'FreshSpring', 'Northfall'], variants: ['Natural', 'Mineral', 'Alkaline'], packs: ['6x1.5L', '24x500ml', '12x1L'] },
      { name: 'Juice', brands: ['Citra Grove', 'FreshSpring'], variants: ['Orange', 'Apple', 'Multifruit', 'Pineapple', 'Mango'], packs: ['6x1L', '12x250ml', '24x200ml'] },
      { name: 'Soft Drink', brands: ['Zesto', 'Fizzly'], variants: ['Cola', 'Cola Zero', 'Lemonade', 'Ginger Ale', 'Orange'], packs: ['24x330ml', '6x1.5L', '12x500ml'], eventSensitive: true },
      { name: 'Iced Tea', brands: ['Leafline', 'Zesto'], variants: ['Peach', 'Lemon', 'Green Tea Mint'], packs: ['12x500ml', '6x1.5L'], eventSensitive: true },
      { name: 'Energy Drink', brands: ['BoltUp'], variants: ['Original', 'Sugar Free', 'Tropical', 'Berry Blast'], packs: ['24x250ml', '12x500ml'], eventSensitive: true },
      { name: 'Cold Brew Coffee', brands: ['Brewline'], variants: ['Black', 'Vanilla Latte', 'Caramel'], packs: ['12x250ml', '6x750ml'], season: 'mildSummer' },
    ],
  },
  {
    name: 'Snacks',
    planner: 'ben.okafor',
    share: 0.28,
    unit: 'case',
    season: 'holiday',
    volumeScale: 1,
    suppliers: ['Greenfield Foods', 'Valley Co-Pack', 'Own plant'],
    families: [
      { name: 'Potato Crisps', brands: ['Crunchy Co', 'Golden Field'], variants: ['Sea Salt', 'Salt & Vinegar', 'Paprika', 'Sour Cream & Onion', 'Cheese & Onion'], packs: ['12x150g', '20x40g', '8x200g'], eventSensitive: true },
      { name: 'Tortilla Chips', brands: ['Crunchy Co', 'El Sol'], variants: ['Lightly Salted', 'Chili', 'Cool Ranch'], packs: ['12x200g', '8x300g'], eventSensitive: true },
      { name: 'Mixed Nuts', brands: ['Nutwell'], variants: ['Roasted & Salted', 'Honey Roasted', 'Unsalted', 'Chili Lime'], packs: ['12x200g', '24x50g'], eventSensitive: true },
      { name: 'Crackers', brands: ['Golden Bake'], variants: ['Original', 'Whole Wheat', 'Rosemary', 'Sesame'], packs: ['12x250g', '18x100g'] },
      { name: 'Chocolate Bar', brands: ['Choco Lux', 'Velvet'], variants: ['Milk', 'Dark 70%', 'Hazelnut', 'Caramel'], packs: ['24x100g', '48x45g'], season: 'chocolate' },
      { name: 'Biscuits', brands: ['Golden Bake', 'Harvest Mill'], variants: ['Butter', 'Chocolate Chip', 'Oat & Raisin'], packs: ['12x300g', '24x150g'] },
      { name: 'Popcorn', brands: ['PopJoy'], variants: ['Salted', 'Sweet & Salty', 'Butter'], packs: ['16x90g', '12x250g'], eventSensitive: true },
      { name: 'Cereal Bar', brands: ['Harvest Mill'], variants: ['Oat & Honey', 'Berry', 'Chocolate', 'Apricot'], packs: ['24x35g', '12x6-pack'] },
    ],
  },
  {
    name: 'Household',
    planner: 'chen.wei',
    share: 0.22,
    unit: 'case',
    season: 'springClean',
    volumeScale: 0.8,
    suppliers: ['Atlas Chemicals', 'Meridian Paper', 'Own plant'],
    families: [
      { name: 'Dish Soap', brands: ['Sparkle', 'PureHome'], variants: ['Lemon', 'Original', 'Sensitive', 'Lime & Mint'], packs: ['12x500ml', '6x1L'] },
      { name: 'Laundry Detergent', brands: ['Brightly', 'PureHome'], variants: ['Bio', 'Non-Bio', 'Colour', 'Sport'], packs: ['4x2.5L', '3x60 washes'] },
      { name: 'Surface Cleaner', brands: ['Sparkle', 'EcoClean'], variants: ['Citrus', 'Antibacterial', 'Eucalyptus'], packs: ['6x750ml', '12x500ml'] },
      { name: 'Paper Towels', brands: ['SoftLeaf'], variants: ['2-ply', 'Extra Absorb', 'Recycled'], packs: ['8x4 rolls', '6x6 rolls'] },
      { name: 'Trash Bags', brands: ['Toughpack'], variants: ['30L', '60L Heavy Duty', '20L Drawstring'], packs: ['20x30 bags', '12x20 bags'] },
      { name: 'Dishwasher Tablets', brands: ['Sparkle', 'EcoClean'], variants: ['All-in-1', 'Eco', 'Lemon'], packs: ['6x40 tabs', '4x80 tabs'] },
      { name: 'Sponges', brands: ['PureHome'], variants: ['Scrub', 'Non-Scratch', 'Heavy Duty'], packs: ['24x3-pack', '12x6-pack'] },
    ],
  },
  {
    name: 'Personal Care',
    planner: 'dev.patel',
    share: 0.2,
    unit: 'each',
    season: 'mildSummer',
    volumeScale: 2.5,
    suppliers: ['Sunrise Cosmetics', 'Own plant'],
    families: [
      { name: 'Shampoo', brands: ['Lumina', 'Verde'], variants: ['Volume', 'Anti-Dandruff', 'Repair', 'Kids'], packs: ['250ml', '400ml'] },
      { name: 'Shower Gel', brands: ['Oceanic', 'Verde'], variants: ['Ocean', 'Lavender', 'Sport', 'Coconut'], packs: ['250ml', '500ml'] },
      { name: 'Toothpaste', brands: ['DentaPure'], variants: ['Whitening', 'Sensitive', 'Herbal', 'Kids'], packs: ['75ml', '2x75ml'] },
      { name: 'Deodorant', brands: ['Oceanic', 'Lumina'], variants: ['Fresh', 'Sensitive', 'Sport'], packs: ['150ml', '50ml roll-on'] },
      { name: 'Sunscreen', brands: ['SunGuard'], variants: ['SPF 30', 'SPF 50', 'Kids SPF 50'], packs: ['200ml', '100ml'], season: 'sunscreen' },
      { name: 'Hand Soap', brands: ['Verde', 'PureHome'], variants: ['Aloe', 'Antibacterial', 'Citrus'], packs: ['300ml', '1L refill'], season: 'winter' },
      { name: 'Razors', brands: ['EdgeLine'], variants: ['3-blade', '5-blade', 'Sensitive'], packs: ['4-pack', '8-pack'] },
    ],
  },
];

export const ACCOUNTS: readonly string[] = ['Walmart', 'Tesco', 'Carrefour', 'Costco', 'Kroger', 'Aldi', 'Lidl', 'Target', "Sainsbury's", 'Ahold Delhaize'];

export const SALES_REPS: readonly string[] = ['J. Smith', 'K. Novak', 'L. Moreau', 'R. Haddad', 'T. Brennan', 'M. Rossi'];
