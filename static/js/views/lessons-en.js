/**
 * The lessons, in English: each sets up one experiment with a share link and
 * says in a few sentences what to try and what to look for. `id` is stable
 * (other languages' lists use the same ids and links).
 */

export const LESSONS = [
  {
    id: "nonlinearity",
    title: "Why a network needs nonlinearity",
    link: "#activation=linear&dataset=circle&networkShape=4,2&learningRate=0.03&seed=0.31416",
    text: "Every neuron here is linear. Press play: however long it trains, the boundary stays a straight line, because layers of weighted sums are still one weighted sum. Now switch the activation to Tanh and play again: the bends of the neurons combine into a closed curve around the blue points.",
  },
  {
    id: "features",
    title: "Feature engineering versus depth",
    link: "#dataset=circle&x=false&y=false&xSquared=true&ySquared=true&networkShape=&learningRate=0.1&seed=0.27182",
    text: "No hidden layer at all, only the inputs X₁² and X₂²: the circle is solved in a few dozen epochs, because x₁² + x₂² is exactly the distance the classes differ in. Switch those two features off and X₁, X₂ on: a network now needs hidden layers to discover the same thing.",
  },
  {
    id: "depth-width",
    title: "Depth versus width",
    link: "#dataset=spiral&networkShape=8&x=true&y=true&learningRate=0.03&seed=0.16180",
    text: "One hidden layer of 8 neurons has 33 weights and biases. Train it on the spiral for a few hundred epochs and note the test loss. Then use two layers of 4 (37 parameters, nearly the same count) and train again: the deeper network usually bends the plane into shapes that one wide layer cannot.",
  },
  {
    id: "learning-rate",
    title: "The learning rate, too small and too large",
    link: "#dataset=xor&networkShape=4,2&learningRate=3&seed=0.14142",
    text: "At a learning rate of 3 the loss jumps around and the picture flickers: every step overshoots. Try 0.00001: nothing seems to happen at all. Somewhere between (0.03, 0.1) the loss falls steadily. Watch the loss chart in each case.",
  },
  {
    id: "optimizers",
    title: "Optimizers compared",
    link: "#dataset=spiral&networkShape=8,8&x=true&y=true&sinX=true&sinY=true&learningRate=0.01&optimizer=adam&seed=0.22360",
    text: "Adam keeps a running average of each weight's gradient and of its size, and scales each step by them. Train for 300 epochs and note the loss. Press reset, choose SGD with the same learning rate and train again: plain gradient descent moves far more slowly on this problem. Momentum sits in between.",
  },
  {
    id: "symmetry",
    title: "Initialization and symmetry",
    link: "#dataset=xor&networkShape=4,2&initZero=true&learningRate=0.1&seed=0.17320",
    text: "Every weight starts at zero. Play and hover over the neurons of a layer: they all show the same picture, because neurons that start equal receive equal gradients and stay equal. The network is no better than one neuron per layer. Choose Initialization: Uniform ±0.5 and reset: random starting weights break the symmetry.",
  },
  {
    id: "vanishing-gradients",
    title: "Vanishing gradients",
    link: "#dataset=spiral&networkShape=8,8,8,8,8,8&activation=sigmoid&learningRate=0.03&seed=0.12345",
    text: "Six layers of sigmoid neurons. Open the Gradient flow panel below and play: the first layer's gradient is about 20,000 times smaller than the output layer's (measured here: 3.5e-5 against 0.7), because each sigmoid layer multiplies the backward signal by at most 0.25. The first layers barely learn. Switch the activation to Tanh and reset: all lines sit within a factor of about two of each other.",
  },
  {
    id: "overfitting",
    title: "Over-fitting and regularization",
    link: "#dataset=spiral&noise=30&percTrainData=20&networkShape=8,8,8&x=true&y=true&xSquared=true&ySquared=true&xTimesY=true&sinX=true&sinY=true&learningRate=0.03&seed=0.41421",
    text: "Few, noisy training points and a large network. Play until the training loss is far below the test loss: the network has memorised its points, and the boundary twists around single dots. Reset, set Regularization to L2 with a rate of 0.01 and train again: the boundary stays smoother and the test loss ends lower.",
  },
  {
    id: "dropout",
    title: "Dropout",
    link: "#dataset=spiral&noise=30&percTrainData=20&networkShape=8,8,8&x=true&y=true&sinX=true&sinY=true&learningRate=0.03&dropout=0.2&seed=0.41421",
    text: "The same over-fitting set-up, now with dropout 0.2: at every step a random fifth of the hidden neurons is switched off, so no neuron can rely on any single other. Compare the gap between training and test loss with the lesson before, and with Dropout set to 0.",
  },
  {
    id: "hidden-space",
    title: "Watch a spiral being unrolled",
    link: "#dataset=spiral&networkShape=8,8,2&x=true&y=true&sinX=true&sinY=true&learningRate=0.03&seed=0.57721",
    text: "Open the Hidden space panel below and choose the last hidden layer (two neurons). Press play: the grid of the input plane is stretched and folded, layer by layer, until the two arms of the spiral lie on either side of a straight line, the dashed decision line of the output neuron.",
  },
];
