/**
 * The lessons: each sets up one experiment with a share link; its title and
 * the few sentences of what to try and what to look for are in the catalogs
 * (`lesson.<id>.title`, `lesson.<id>.text` in locales/<lang>/messages.po).
 * `id` is stable.
 */

export const LESSONS = [
  { id: "nonlinearity", link: "#activation=linear&dataset=circle&networkShape=4,2&learningRate=0.03&seed=0.31416" },
  { id: "features", link: "#dataset=circle&x=false&y=false&xSquared=true&ySquared=true&networkShape=&learningRate=0.1&seed=0.27182" },
  { id: "depth-width", link: "#dataset=spiral&networkShape=8&x=true&y=true&learningRate=0.03&seed=0.16180" },
  { id: "learning-rate", link: "#dataset=xor&networkShape=4,2&learningRate=3&seed=0.14142" },
  { id: "optimizers", link: "#dataset=spiral&networkShape=8,8&x=true&y=true&sinX=true&sinY=true&learningRate=0.01&optimizer=adam&seed=0.22360" },
  { id: "symmetry", link: "#dataset=xor&networkShape=4,2&initZero=true&learningRate=0.1&seed=0.17320" },
  { id: "vanishing-gradients", link: "#dataset=spiral&networkShape=8,8,8,8,8,8&activation=sigmoid&learningRate=0.03&seed=0.12345" },
  { id: "overfitting", link: "#dataset=spiral&noise=30&percTrainData=20&networkShape=8,8,8&x=true&y=true&xSquared=true&ySquared=true&xTimesY=true&sinX=true&sinY=true&learningRate=0.03&seed=0.41421" },
  { id: "dropout", link: "#dataset=spiral&noise=30&percTrainData=20&networkShape=8,8,8&x=true&y=true&sinX=true&sinY=true&learningRate=0.03&dropout=0.2&seed=0.41421" },
  { id: "hidden-space", link: "#dataset=spiral&networkShape=8,8,2&x=true&y=true&sinX=true&sinY=true&learningRate=0.03&seed=0.57721" },
];
